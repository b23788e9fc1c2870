import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '@app/config';
import { build0503 } from './xdomea-messages';
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

  it('accepts a 0503 with Vorgänge, documents in and outside them, and metadata changes in the history', async () => {
    const at = new Date('2026-02-01T10:00:00Z');
    const doc = (id: string, vorgangId: string | null) => ({
      id,
      vorgangId,
      title: 'Antrag',
      documentType: 'antrag',
      createdAt: at,
      history: [{ metadataName: 'title', oldValue: 'Antrag', newValue: 'Antrag auf Außengastronomie', actor: 'anna.32', at, action: 'document.update' }],
      versions: [{ number: 1, formats: [{ fileName: `${id}.pdf`, originalName: 'a.pdf', mimeType: 'application/pdf', createdBy: 'anna.32', createdAt: at }] }],
    });
    const xml = build0503({ processId: '0b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f60', createdAt: at, senderName: 'Stadt', archiveName: 'Archiv' }, [
      {
        id: '1b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f61',
        reference: '32.1.2-2026/00017',
        title: 'Café Müller',
        departmentCode: '32',
        filePlanCode: '32.1.2',
        confidentiality: 'internal',
        openedAt: at,
        closedAt: at,
        retentionYears: 10,
        retainUntil: at,
        disposal: 'A',
        history: [{ metadataName: 'confidentiality', oldValue: 'internal', newValue: 'confidential', actor: 'anna.32', at, action: 'case_file.update', remark: 'Schutzbedarf' }],
        vorgaenge: [
          { id: '5b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f65', number: 1, reference: '32.1.2-2026/00017/1', title: 'Antrag', openedAt: at, closedAt: null, history: [{ metadataName: 'title', oldValue: null, newValue: 'Antrag', actor: 'anna.32', at, action: 'vorgang.update' }] },
          { id: '6b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f66', number: 2, reference: '32.1.2-2026/00017/2', title: 'Widerspruch', openedAt: at, closedAt: at, history: [] },
        ],
        documents: [doc('2b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f62', '5b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f65'), doc('3b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f63', null)],
      },
    ]);
    const check = await validator.validate(xml, '0503');
    expect(check.xsd).toBe(true);
    expect(check.errors).toEqual([]);
    expect(xml).toContain('<xdomea:MetadatumAlterWert>internal</xdomea:MetadatumAlterWert>');
    expect(xml).toContain('<xdomea:Kennzeichen>32.1.2-2026/00017/2</xdomea:Kennzeichen>');
  });
});
