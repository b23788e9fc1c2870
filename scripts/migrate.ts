import { loadConfig, redactUrl } from '@app/config';
import { ensureDatabase, revertLastMigration, runMigrations } from '@app/database';

/** `npm run migrate` (apply pending) or `npm run migrate -- --revert` (undo the last one). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (process.argv.includes('--revert')) {
    await revertLastMigration(config.database.url);
    console.log('reverted the last migration');
    return;
  }
  if (await ensureDatabase(config.database.url)) console.log(`created database ${redactUrl(config.database.url)}`);
  const done = await runMigrations(config.database.url, console.log);
  console.log(done.length ? `${done.length} migration(s) applied` : 'database is up to date');
}

main().catch((e) => {
  console.error(`migrate: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
});
