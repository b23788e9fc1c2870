import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@app/config';
import { XdomeaValidator } from './xdomea-validator';

const schemaDir = path.resolve(__dirname, '../../../../../shared/xdomea/3.1.0');
const present = existsSync(path.join(schemaDir, 'xdomea.xsd'));
if (!present) console.warn(`xdomea validator: ../shared/xdomea/3.1.0 is absent, schema validation tests skipped (${schemaDir})`);
const maybe = present ? describe : describe.skip;

const NS = 'urn:xoev-de:xdomea:schema:3.1.0';

maybe('XdomeaValidator against the official XSD, in-process', () => {
  const validator = new XdomeaValidator({ retention: { xdomeaSchemaDir: schemaDir } } as AppConfig);
  const savedPath = process.env.PATH;
  // no xmllint binary is needed (the Docker image has none)
  beforeAll(() => (process.env.PATH = ''));
  afterAll(() => (process.env.PATH = savedPath));

  it('reports schema errors with their line, against the XSD (xsd: true)', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<xdomea:Aussonderung.Bewertungsverzeichnis.0502 xmlns:xdomea="${NS}">\n  <xdomea:Kopf><xdomea:Unbekannt/></xdomea:Kopf>\n</xdomea:Aussonderung.Bewertungsverzeichnis.0502>`;
    const check = await validator.validate(xml, '0502');
    expect(check.xsd).toBe(true);
    expect(check.errors.filter((e) => !e.startsWith('structure:'))).toEqual(expect.arrayContaining([expect.stringMatching(/^line 3: .*Unbekannt/)]));
  });

  it('refuses an unknown root element by the schema too', async () => {
    const check = await validator.validate(`<?xml version="1.0"?><xdomea:Quatsch xmlns:xdomea="${NS}"/>`, '0502');
    expect(check.xsd).toBe(true);
    expect(check.errors.some((e) => /^line 1: .*Quatsch/.test(e))).toBe(true);
  });
});
