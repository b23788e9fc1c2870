import { formatReference, referenceScope, validateReferencePattern } from './reference-pattern';

describe('Aktenzeichen pattern', () => {
  const input = { filePlanCode: '32.1.2', departmentCode: '32', year: 2026 };

  it('formats the default pattern', () => {
    expect(formatReference('{filePlanCode}-{year}/{seq:5}', input, 17)).toBe('32.1.2-2026/00017');
  });

  it('counts per file-plan unit and year', () => {
    expect(referenceScope('{filePlanCode}-{year}/{seq:5}', input)).toBe('32.1.2-2026/{seq}');
    expect(referenceScope('{filePlanCode}-{year}/{seq:5}', { ...input, year: 2027 })).not.toBe(referenceScope('{filePlanCode}-{year}/{seq:5}', input));
  });

  it('supports other orders and the department', () => {
    expect(formatReference('{departmentCode}/{seq:3}/{year}', input, 5)).toBe('32/005/2026');
  });

  it('rejects patterns without a running number or with unknown tokens', () => {
    expect(() => validateReferencePattern('{filePlanCode}-{year}')).toThrow(/seq/);
    expect(() => validateReferencePattern('{filePlanCode}-{month}/{seq}')).toThrow(/month/);
  });
});
