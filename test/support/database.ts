import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase, runMigrations } from '@app/database';

/**
 * A database of its own for a suite that must see an exact state (audit-chain tampering,
 * retention sweeps): created and migrated on call, dropped by `drop()`.
 */
export async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${url.pathname.slice(1)}_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}`;
  await ensureDatabase(url.toString());
  await runMigrations(url.toString());
  return { url: url.toString(), drop: () => dropDatabase(url.toString()) };
}
