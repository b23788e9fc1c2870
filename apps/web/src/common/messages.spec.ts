import * as fs from 'node:fs';
import * as path from 'node:path';

/** Every screen's catalogue has the same keys in German and English, and no empty text. */
function leaves(obj: Record<string, unknown>, prefix: string[] = []): { path: string[]; value: unknown }[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? leaves(v as Record<string, unknown>, [...prefix, k]) : [{ path: [...prefix, k], value: v }]));
}
const keys = (obj: Record<string, unknown>) => leaves(obj).map((l) => JSON.stringify(l.path));

function catalogues(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return catalogues(full);
    return e.name === 'messages.ts' ? [full] : [];
  });
}

describe('web catalogues', () => {
  const files = catalogues(path.resolve(__dirname, '..'));

  it('finds the catalogues', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [path.relative(path.resolve(__dirname, '..'), f), f]))('%s has the same keys in de and en, none empty', (_name, file) => {
    const mod = require(file);
    const catalogue = Object.values(mod).find((v): v is { de: Record<string, unknown>; en: Record<string, unknown> } => !!v && typeof v === 'object' && 'de' in (v as object) && 'en' in (v as object));
    expect(catalogue).toBeDefined();
    expect(keys(catalogue!.en).sort()).toEqual(keys(catalogue!.de).sort());
    for (const locale of ['de', 'en'] as const) {
      const empty = leaves(catalogue![locale]).filter((l) => !(typeof l.value === 'string' && l.value.trim().length > 0));
      expect(empty.map((l) => l.path.join('.'))).toEqual([]);
    }
  });
});
