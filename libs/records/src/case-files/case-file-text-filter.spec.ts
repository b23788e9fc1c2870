import { textTerms } from './case-file.repository';

describe('textTerms (the case-file list text filter)', () => {
  it('splits on whitespace, lower-cases and drops repeats', () => {
    expect(textTerms('  Café  MÜLLER café 32.1.2-2026/00017 ')).toEqual(['café', 'müller', '32.1.2-2026/00017']);
  });

  it('keeps LIKE wildcards as text (the repository escapes them) and caps the number of words', () => {
    expect(textTerms('50% a_b')).toEqual(['50%', 'a_b']);
    expect(textTerms('a b c d e f g h i j')).toHaveLength(8);
    expect(textTerms(undefined)).toEqual([]);
    expect(textTerms('   ')).toEqual([]);
  });
});
