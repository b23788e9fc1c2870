import { crc32, deflateSync } from 'node:zlib';
import { PDFDocument, PDFName, PDFString, StandardFonts } from 'pdf-lib';

/**
 * Builders of hostile or broken scans for tests (generated in the test itself, so `npm test`
 * needs nothing outside the repo).
 */

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A PNG header announcing width × height 1-bit pixels with almost no data: a decompression bomb. */
export function pixelBombPng(width = 20000, height = 20000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1 + Math.ceil(width / 8)))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Assembles a classic PDF from object bodies (1-based numbering) with a correct xref table. */
export function rawPdf(objects: string[], trailerExtra = ''): Buffer {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailerExtra}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A PDF whose page tree contains itself (infinite-loop bait). */
export function cyclicPageTreePdf(): Buffer {
  return rawPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
  ]);
}

/** A PDF encrypted with the standard security handler and an unknown user password. */
export function passwordProtectedPdf(): Buffer {
  const hex = (n: number) => Buffer.alloc(32, n).toString('hex');
  return rawPdf(
    [
      '<< /Type /Catalog /Pages 2 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
      `<< /Filter /Standard /V 1 /R 2 /O <${hex(0x41)}> /U <${hex(0x42)}> /P -44 >>`,
    ],
    `/Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>] `,
  );
}

/** Not a PDF at all despite the header: "%PDF-" followed by garbage. */
export function garbagePdf(): Buffer {
  return Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2048, 0x5a), Buffer.from('\n%%EOF\n')]);
}

/** A valid PDF with a page of `sizePt` × `sizePt` points (200 000 pt ≈ 70 m). */
export async function giantPagePdf(sizePt = 200_000): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([sizePt, sizePt]);
  return Buffer.from(await doc.save());
}

/**
 * A born-digital letter (real text layer) carrying every kind of active content a rendition must
 * not keep: an `/OpenAction` JavaScript action, `/AA` additional actions on the catalog and the
 * page, a `/JavaScript` name tree, a `/Launch` action behind a link, a `/FileAttachment`
 * annotation and an embedded file in `/EmbeddedFiles`.
 */
export async function activeContentPdf(lines: string[] = ['Antrag auf Erteilung einer Gaststaettenerlaubnis', 'Cafe Mueller, Hauptstrasse 1']): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 20, size: 12, font }));
  const ctx = doc.context;
  const action = (js: string) => ctx.register(ctx.obj({ Type: 'Action', S: 'JavaScript', JS: PDFString.of(js) }));
  doc.catalog.set(PDFName.of('OpenAction'), action('app.alert("pwned by OpenAction")'));
  doc.catalog.set(PDFName.of('AA'), ctx.obj({ WC: action('app.alert("will close")') }));
  const payload = ctx.register(ctx.flateStream('MZ embedded payload', { Type: 'EmbeddedFile' }));
  const filespec = ctx.register(ctx.obj({ Type: 'Filespec', F: PDFString.of('payload.exe'), EF: { F: payload } }));
  doc.catalog.set(
    PDFName.of('Names'),
    ctx.obj({
      JavaScript: ctx.register(ctx.obj({ Names: [PDFString.of('init'), action('app.alert("name tree")')] })),
      EmbeddedFiles: ctx.register(ctx.obj({ Names: [PDFString.of('payload.exe'), filespec] })),
    }),
  );
  const launch = ctx.register(ctx.obj({ S: 'Launch', F: PDFString.of('cmd.exe') }));
  const link = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'Link', Rect: [50, 700, 200, 720], A: launch }));
  const attachment = ctx.register(ctx.obj({ Type: 'Annot', Subtype: 'FileAttachment', Rect: [50, 650, 70, 670], FS: filespec }));
  page.node.set(PDFName.of('Annots'), ctx.obj([link, attachment]));
  page.node.set(PDFName.of('AA'), ctx.obj({ O: action('app.alert("page open")') }));
  return doc.save({ useObjectStreams: false });
}
