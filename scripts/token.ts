import { parseArgs } from 'node:util';
import { loadConfig } from '@app/config';
import { signDevToken } from '@app/auth';

/** `npm run token -- --sub anna --roles caseworker --departments 32` prints a development token. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string', default: '' },
      departments: { type: 'string', default: '' },
      expires: { type: 'string', default: '12h' },
    },
  });
  if (!values.sub) throw new Error('usage: npm run token -- --sub <id> --roles r1,r2 --departments 32,33 [--name "Anna Beispiel"] [--expires 12h]');
  const list = (s?: string) => (s ?? '').split(/[ ,]+/).filter(Boolean);
  process.stdout.write(
    `${await signDevToken(loadConfig(), { sub: values.sub, name: values.name, roles: list(values.roles), departments: list(values.departments), expiresIn: values.expires })}\n`,
  );
}

main().catch((e) => {
  console.error(`token: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
