import { ReferenceExtractor } from './reference-extractor';
import { extractLetterDate, extractSender } from './letter-metadata';

describe('ReferenceExtractor', () => {
  const x = new ReferenceExtractor('{filePlanCode}-{year}/{seq:5}');
  const refs = (text: string) => x.extract(text).map((c) => c.reference);

  it('finds references after the usual labels and reports the label', () => {
    const found = x.extract('Musterstadt, 12.03.2026\nIhr Zeichen: 32.1.2-2026/00017\nBetreff: Widerspruch');
    expect(found).toEqual([{ reference: '32.1.2-2026/00017', raw: '32.1.2-2026/00017', label: 'Ihr Zeichen' }]);
    expect(x.extract('Az.: 50.1.1-2025/00003')[0]).toMatchObject({ reference: '50.1.1-2025/00003', label: 'Az.' });
    expect(x.extract('Geschäftszeichen 61.3.1-2026/00120')[0]).toMatchObject({ reference: '61.3.1-2026/00120', label: 'Geschäftszeichen' });
    expect(x.extract('Unser Zeichen: 32.2.1-2026/00001')[0]).toMatchObject({ label: 'Unser Zeichen' });
    expect(x.extract('Betreff: Antrag zu Aktenzeichen 32.2.1-2026/00009')[0]).toMatchObject({ reference: '32.2.1-2026/00009', label: 'Aktenzeichen' });
  });

  it('undoes OCR confusions: O/0, l/1/I, S/5, spaces around separators, dash variants', () => {
    expect(refs('Ihr Zeichen: 32.1.2-2O26/0OO17')).toEqual(['32.1.2-2026/00017']);
    expect(refs('Az. 3l.I.2 - 2026 / 00017')).toEqual(['31.1.2-2026/00017']);
    expect(refs('Aktenzeichen: 32.1.2 – 2026/000S7')).toEqual(['32.1.2-2026/00057']);
    expect(refs('Aktenzeichen: 32 . 1 . 2—2026 /00017')).toEqual(['32.1.2-2026/00017']);
    expect(refs('Az 32,1,2-2026/00017')).toEqual(['32.1.2-2026/00017']);
  });

  it('normalises the running number to the pattern width', () => {
    expect(refs('Aktenzeichen 32.1.2-2026/17')).toEqual(['32.1.2-2026/00017']);
  });

  it('ignores dates, phone numbers and postcodes', () => {
    expect(refs('Datum: 12.03.2026\nTelefon 0221 / 123456\n12345 Musterstadt, Hauptstraße 5')).toEqual([]);
  });

  it('returns every distinct reference (the caller decides on ambiguity), labelled first', () => {
    expect(refs('Bezug: 32.1.2-2026/00001 und Ihr Zeichen 50.1.1-2026/00002 sowie erneut 32.1.2-2026/00001')).toEqual(['50.1.1-2026/00002', '32.1.2-2026/00001']);
  });

  it('follows the configured pattern', () => {
    const y = new ReferenceExtractor('{departmentCode}/{year}/{seq:4}');
    expect(y.extract('Az.: 32/2026/0O42').map((c) => c.reference)).toEqual(['32/2026/0042']);
  });
});

describe('letter metadata', () => {
  it('takes the dated place line as the letter date, not dates mentioned in the body', () => {
    const text = 'Max Mustermann · Lindenweg 3 · 12345 Musterstadt\n\nMusterstadt, 14.03.2026\n\nIhr Bescheid vom 01.02.2026';
    expect(extractLetterDate(text)).toBe('2026-03-14');
    expect(extractLetterDate('Datum: 3. März 2026')).toBe('2026-03-03');
    expect(extractLetterDate('keine Angabe 31.02.2026')).toBeNull();
  });

  it('finds the sender line', () => {
    expect(extractSender('Max Mustermann · Lindenweg 3 · 12345 Musterstadt\nStadt Musterstadt')).toBe('Max Mustermann');
    expect(extractSender('Erika Beispiel\nAm Markt 1\n54321 Beispielstadt\n\nStadtverwaltung')).toBe('Erika Beispiel');
  });
});
