import { scanTypeOf } from './scan-type';

describe('scanTypeOf', () => {
  it('recognises scans by their magic bytes', () => {
    expect(scanTypeOf(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(scanTypeOf(Buffer.concat([Buffer.from('junk before the header '), Buffer.from('%PDF-1.4')]))).toBe('application/pdf');
    expect(scanTypeOf(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]))).toBe('image/tiff');
    expect(scanTypeOf(Buffer.from([0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8]))).toBe('image/tiff');
    expect(scanTypeOf(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(scanTypeOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
  });

  it('rejects everything else, whatever the name says', () => {
    expect(scanTypeOf(Buffer.from('GIF89a'))).toBeUndefined();
    expect(scanTypeOf(Buffer.from('PK\u0003\u0004'))).toBeUndefined();
    expect(scanTypeOf(Buffer.from('<html>%PDF'.padStart(2000, ' ')))).toBeUndefined();
    expect(scanTypeOf(Buffer.alloc(0))).toBeUndefined();
    // an HTML page quoting a PDF header within the first KiB is still HTML
    expect(scanTypeOf(Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script>%PDF-1.4</body></html>'))).toBeUndefined();
  });
});
