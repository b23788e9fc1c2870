import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';
import { activeContentPdf } from '../testing/hostile-files';
import { activeContentOf, sanitizePdf } from './pdf-sanitizer';

describe('sanitizePdf', () => {
  it('removes scripts, automatic/additional/launch actions and embedded files, and leaves the input alone', async () => {
    const input = await activeContentPdf();
    const before = createHash('sha256').update(input).digest('hex');
    expect(await activeContentOf(input)).toEqual(expect.arrayContaining(['/OpenAction', '/AA', '/JS', '/JavaScript', '/EmbeddedFiles', 'Launch action', 'FileAttachment annotation', 'EmbeddedFile']));
    const { bytes, removed } = await sanitizePdf(input);
    expect(removed).toEqual(expect.arrayContaining(['/OpenAction', '/AA', '/JavaScript', '/EmbeddedFiles']));
    expect(await activeContentOf(bytes)).toEqual([]);
    expect(Buffer.from(bytes).includes('pwned')).toBe(false);
    expect(await activeContentOf(bytes)).toEqual([]);
    const out = await PDFDocument.load(bytes);
    expect(out.getPageCount()).toBe(1);
    // the link annotation stays, without its action; the attachment annotation is gone
    const annots = out.getPage(0).node.Annots();
    expect(annots?.size()).toBe(1);
    const link = out.context.lookup(annots!.get(0)) as PDFDict;
    expect(link.get(PDFName.of('Subtype'))?.toString()).toBe('/Link');
    expect(link.has(PDFName.of('A'))).toBe(false);
    expect(createHash('sha256').update(input).digest('hex')).toBe(before);
  });

  it('finds active content inside compressed object streams too', async () => {
    const packed = await (await PDFDocument.load(await activeContentPdf())).save({ useObjectStreams: true });
    expect(Buffer.from(packed).includes('/OpenAction')).toBe(false); // hidden from a byte scan
    expect(await activeContentOf(packed)).toContain('/OpenAction');
    expect(await activeContentOf((await sanitizePdf(packed)).bytes)).toEqual([]);
  });

  it('keeps a clean PDF usable', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const { bytes, removed } = await sanitizePdf(await doc.save());
    expect(removed).toEqual([]);
    expect((await PDFDocument.load(bytes)).getPageCount()).toBe(1);
  });
});
