import { build0501, build0502, build0503, build0506, derivedUuid, XdomeaCaseFile } from './xdomea-messages';
import { parseXml, structuralErrors } from './xdomea-structure';

const header = { processId: '0b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f60', createdAt: new Date('2037-03-01T10:00:00Z'), senderName: 'Stadt <Muster> & Co', archiveName: 'Stadtarchiv' };
const caseFile = (over: Partial<XdomeaCaseFile> = {}): XdomeaCaseFile => ({
  id: '1b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f61',
  reference: '32.1.2-2026/00017',
  title: 'Gaststättenerlaubnis Café Müller',
  departmentCode: '32',
  filePlanCode: '32.1.2',
  confidentiality: 'internal',
  openedAt: new Date('2026-01-15T09:00:00Z'),
  closedAt: new Date('2026-06-30T09:00:00Z'),
  retentionYears: 10,
  retainUntil: new Date('2036-06-30T09:00:00Z'),
  disposal: 'A',
  history: [{ actor: 'Anna Ordnung (anna.32)', at: '2026-01-15T09:00:00.123456Z', action: 'case_file.create', remark: null }],
  documents: [
    {
      id: '2b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f62',
      title: 'Antrag',
      documentType: 'antrag',
      createdAt: new Date('2026-01-16T09:00:00Z'),
      history: [{ actor: 'anna.32', at: new Date('2026-01-16T09:00:00Z'), action: 'document.create' }],
      versions: [
        {
          number: 1,
          formats: [
            { fileName: '3b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f63.pdf', originalName: 'antrag.pdf', mimeType: 'application/pdf', createdBy: 'anna.32', createdAt: new Date('2026-01-16T09:00:00Z') },
            { fileName: '4b9e1a52-6a0a-4e8f-9f6a-1b2c3d4e5f64.bin', originalName: null, mimeType: 'application/x-unknown', createdBy: 'anna.32', createdAt: new Date('2026-01-16T09:00:00Z') },
          ],
        },
      ],
    },
  ],
  ...over,
});

describe('xdomea 3.1.0 messages and the in-repo structural check', () => {
  it('accepts what the builders produce', () => {
    expect(structuralErrors(build0501(header, [caseFile(), caseFile({ retentionYears: null, closedAt: null, retainUntil: null, disposal: 'B' })]), '0501')).toEqual([]);
    expect(structuralErrors(build0503(header, [caseFile()]), '0503')).toEqual([]);
    expect(structuralErrors(build0502(header, [{ id: caseFile().id, code: 'V' }]), '0502')).toEqual([]);
    expect(structuralErrors(build0506(header, [{ id: caseFile().id, ok: true, archiveId: 'A-1' }, { id: caseFile().id, ok: false, error: 'kaputt' }]), '0506')).toEqual([]);
  });

  it('escapes text and keeps 0501 free of primary files', () => {
    const xml = build0501(header, [caseFile()]);
    expect(xml).toContain('Stadt &lt;Muster&gt; &amp; Co');
    expect(xml).not.toContain('Primaerdokument');
    expect(xml).toContain('<xdomea:Aufbewahrungsdauer>');
    const root = parseXml(xml);
    expect(root.name).toBe('xdomea:Aussonderung.Anbieteverzeichnis.0501');
  });

  it('rejects missing, misordered and malformed elements with a path', () => {
    const good = build0502(header, [{ id: caseFile().id, code: 'A' }]);
    expect(structuralErrors(good.replace(/<xdomea:ProzessID>[^<]*<\/xdomea:ProzessID>/, ''), '0502').join()).toMatch(/missing element ProzessID/);
    expect(structuralErrors(good.replace(header.processId, 'not-a-uuid'), '0502').join()).toMatch(/ProzessID: "not-a-uuid" is not a UUID/);
    expect(structuralErrors(good.replace('<code>A</code>', '<code>X</code>'), '0502').join()).toMatch(/one of A, B, V/);
    expect(structuralErrors(good.replace(/<xdomea:BewertetesObjekt>[\s\S]*<\/xdomea:BewertetesObjekt>\n/, ''), '0502').join()).toMatch(/missing element BewertetesObjekt/);
    // order matters: Empfaenger before Absender is invalid
    const swapped = good.replace(/(<xdomea:Absender>[\s\S]*?<\/xdomea:Absender>\n)(\s*<xdomea:Empfaenger>[\s\S]*?<\/xdomea:Empfaenger>\n)/, '$2$1');
    expect(swapped).not.toBe(good);
    expect(structuralErrors(swapped, '0502')).not.toEqual([]);
    expect(structuralErrors(good.replace('urn:xoev-de:xdomea:schema:3.1.0', 'urn:example'), '0502').join()).toMatch(/namespace/);
    expect(structuralErrors(good, '0506').join()).toMatch(/root element must be/);
    expect(structuralErrors('<x', '0502').join()).toMatch(/well-formed|root/);
    const bomb = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>${good.replace(/^<\?xml[^>]*>/, '')}`;
    expect(structuralErrors(bomb, '0502').join()).toMatch(/DOCTYPE/);
  });

  it('rejects unexpected elements inside a record object', () => {
    const xml = build0503(header, [caseFile()]).replace('<xdomea:Betreff>Antrag</xdomea:Betreff>', '<xdomea:Betreff>Antrag</xdomea:Betreff><xdomea:Unsinn>1</xdomea:Unsinn>');
    expect(structuralErrors(xml, '0503').join()).toMatch(/unexpected element xdomea:Unsinn/);
  });

  it('derives a stable UUID (v5 layout) for the Vorgang of a case file', () => {
    const a = derivedUuid(caseFile().id, 'vorgang');
    expect(a).toBe(derivedUuid(caseFile().id, 'vorgang'));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
