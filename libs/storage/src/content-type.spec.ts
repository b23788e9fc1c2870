import { isPassiveContentType, OFFICE_CONTENT_TYPES, sniffContentType, zipContainerType } from './content-type';

const b = (s: string) => Buffer.from(s, 'utf8');

describe('sniffContentType', () => {
  it('takes binary formats by their magic bytes', () => {
    expect(sniffContentType(b('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffContentType(Buffer.concat([Buffer.from([0, 1, 2, 3]), b('%PDF-1.4')]))).toBe('application/pdf');
    expect(sniffContentType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(sniffContentType(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0]))).toBe('application/zip');
  });

  it('keeps an HTML document HTML whatever it contains (no PDF by a quoted header)', () => {
    expect(sniffContentType(b('<!DOCTYPE html><html><body>%PDF-1.4 <script>alert(1)</script></body></html>'))).toBe('text/html');
    expect(sniffContentType(b('  <script>fetch("/api")</script> %PDF-1.7'))).toBe('text/html');
    expect(sniffContentType(b('\uFEFF<HTML><body>x</body></HTML>'))).toBe('text/html');
    expect(sniffContentType(b('<div>Hallo</div>'))).toBe('text/html');
  });

  it('tells SVG, XHTML and XML apart by the root element', () => {
    expect(sniffContentType(b('<?xml version="1.0"?>\n<!-- c --><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))).toBe('image/svg+xml');
    expect(sniffContentType(b('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).toBe('image/svg+xml');
    expect(sniffContentType(b('<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><script>x</script></html>'))).toBe('application/xhtml+xml');
    expect(sniffContentType(b('<html xmlns="http://www.w3.org/1999/xhtml"></html>'))).toBe('application/xhtml+xml');
    expect(sniffContentType(b('<?xml version="1.0" encoding="UTF-8"?><xdomea:Nachricht xmlns:xdomea="urn:xoev-de:xdomea:schema:3.1.0"/>'))).toBe('application/xml');
  });

  it('takes other text as plain text and binaries it does not know as unknown', () => {
    expect(sniffContentType(b('Sehr geehrte Damen und Herren,\n'))).toBe('text/plain');
    expect(sniffContentType(Buffer.from([0x00, 0x01, 0x02]))).toBeNull();
  });
});

describe('zipContainerType', () => {
  it('needs [Content_Types].xml and an Office part', () => {
    expect(zipContainerType(['[Content_Types].xml', '_rels/.rels', 'word/document.xml'])).toBe(OFFICE_CONTENT_TYPES.docx);
    expect(zipContainerType(['[Content_Types].xml', 'xl/workbook.xml'])).toBe(OFFICE_CONTENT_TYPES.xlsx);
    expect(zipContainerType(['word/document.xml'])).toBeNull();
    expect(zipContainerType(['[Content_Types].xml', 'other/x.xml'])).toBeNull();
    expect(zipContainerType([], 'application/vnd.oasis.opendocument.text')).toBe(OFFICE_CONTENT_TYPES.odt);
    expect(zipContainerType([], 'text/html')).toBeNull();
  });
});

describe('isPassiveContentType', () => {
  it('allows inline display only of passive types', () => {
    for (const t of ['application/pdf', 'image/png', 'image/jpeg', 'image/tiff', 'text/plain']) expect(isPassiveContentType(t)).toBe(true);
    for (const t of ['text/html', 'application/xhtml+xml', 'image/svg+xml', 'application/xml', 'application/zip', 'text/javascript', OFFICE_CONTENT_TYPES.docx]) {
      expect(isPassiveContentType(t)).toBe(false);
    }
  });
});
