import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AuditQueryRepository, AuditRepository, AuditService, AuditVerifyService, VerifyRange, checkExport } from '@app/audit';
import { systemContext } from '@app/common';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';

const USAGE = `usage: npm run audit:verify [-- --from <seq|ISO time>] [--to <seq|ISO time>]
       npm run audit:verify -- --file <export.csv|export.jsonl>   (checks an exported file on its own)
Exit code 0 = the chain (or file) verifies, 1 = it does not (or the check failed).`;

/** Re-computes the audit hash chain (or checks an export file) and prints the result as JSON. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, file: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const config = loadConfig();
  if (values.file) {
    const result = await checkExport(createReadStream(values.file), { key: config.audit.anchorKey });
    console.log(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
  }
  const range: VerifyRange = {};
  for (const [end, value] of [['from', values.from], ['to', values.to]] as const) {
    if (!value) continue;
    if (/^\d+$/.test(value)) range[end === 'from' ? 'fromSeq' : 'toSeq'] = value;
    else if (!Number.isNaN(Date.parse(value))) range[end] = value;
    else throw new Error(`--${end} must be a sequence number or an ISO 8601 time\n${USAGE}`);
  }
  const ds = await new DataSource(dataSourceOptions({ database: { url: config.database.url, poolSize: 5 } })).initialize();
  try {
    const started = process.hrtime.bigint();
    const result = await new AuditVerifyService(new AuditQueryRepository(ds), config).verify(range);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(JSON.stringify({ ...result, seconds: Number(seconds.toFixed(3)) }, null, 2));
    // the verification is itself an audited act
    const audit = new AuditService(new AuditRepository(ds), config);
    await audit
      .recordAccess(systemContext('audit-verify-cli'), { action: 'audit.verify', objectType: 'audit_trail', details: { range: { ...range }, ...result } })
      .catch((e) => console.error(`audit:verify: the verification could not be recorded: ${e instanceof Error ? e.message : e}`));
    return result.ok ? 0 : 1;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`audit:verify: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
