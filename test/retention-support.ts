import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import yauzl from 'yauzl';
import { DataSource } from 'typeorm';
import { AUDIT_SELECT, AuditRecord, GENESIS_HASH, hashEvent } from '@app/audit';

/** Retention/disposal test helpers (zip reading, xmllint against ../shared, byte scans, chain check). */

export const REPO_ROOT = path.resolve(__dirname, '..');
export const XDOMEA_XSD = path.resolve(REPO_ROOT, '..', 'shared', 'xdomea', '3.1.0', 'xdomea.xsd');

export function xmllintAvailable(): string | null {
  if (!existsSync(XDOMEA_XSD)) return `${XDOMEA_XSD} is absent`;
  const probe = spawnSync('xmllint', ['--version']);
  if (probe.error) return 'xmllint is not installed (apt package libxml2-utils)';
  return null;
}

/** `xmllint --noout --schema ../shared/xdomea/3.1.0/xdomea.xsd`; returns its verdict. */
export function xmllintValidate(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xdomea-'));
  try {
    const file = path.join(dir, 'message.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', XDOMEA_XSD, file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** supertest parser that keeps a binary body as a Buffer. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const binary = (res: any, cb: any) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

export function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Every file below `dir` (object store scan). */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Files below `dir` whose name or bytes contain any of the needles. */
export function storageHits(dir: string, needles: (string | Buffer)[]): string[] {
  return filesBelow(dir).filter((f) => {
    const bytes = readFileSync(f);
    return needles.some((n) => (typeof n === 'string' && path.basename(f).includes(n)) || bytes.includes(n));
  });
}

/** Tables (public schema) in which any row, cast to text, contains the needle. */
export async function tablesContaining(ds: DataSource, needle: string, except: string[] = []): Promise<string[]> {
  const tables: { name: string }[] = await ds.query(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const hits: string[] = [];
  for (const { name } of tables) {
    if (except.includes(name)) continue;
    const [row] = await ds.query(`SELECT count(*)::int AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`, [needle]);
    if (row.n > 0) hits.push(name);
  }
  return hits;
}

/** Recomputes the whole audit hash chain; returns the first broken seq or null. */
export async function verifyAuditChain(ds: DataSource): Promise<{ events: number; brokenAt: string | null; row?: unknown }> {
  const rows: AuditRecord[] = await ds.query(`SELECT ${AUDIT_SELECT} FROM audit_events ORDER BY audit_events.seq`);
  let prev = GENESIS_HASH;
  for (const r of rows) {
    const { hash, ...rest } = r;
    if (r.prevHash !== prev || hashEvent(rest) !== hash) return { events: rows.length, brokenAt: r.seq, row: r };
    prev = hash;
  }
  const [head] = await ds.query(`SELECT hash FROM audit_chain_head WHERE id = 1`);
  return { events: rows.length, brokenAt: head.hash === prev ? null : 'head' };
}
