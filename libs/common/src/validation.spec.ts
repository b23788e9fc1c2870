import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';
import { createValidationPipe, fieldsWithNul, IsIsoTimestamp, NoControlCharacters, validateFields } from './validation';

class Probe {
  @IsOptional() @NoControlCharacters() code?: string;
  @IsOptional() @NoControlCharacters({ multiLine: true }) text?: string;
  @IsOptional() @IsIsoTimestamp() at?: string;
}

const errorsOf = async (plain: Record<string, unknown>) => (await validate(plainToInstance(Probe, plain))).flatMap((e) => Object.values(e.constraints ?? {}));

describe('validation', () => {
  it('refuses control characters in single-line fields, and all but tab and line breaks in free text', async () => {
    for (const c of ['\u0000', '\u0001', '\t', '\n', '\r', '\u001b', '\u007f']) expect(await errorsOf({ code: `a${c}b` })).toEqual(['code must not contain control characters']);
    for (const c of ['\t', '\n', '\r']) expect(await errorsOf({ text: `a${c}b` })).toEqual([]);
    for (const c of ['\u0000', '\u0001', '\u000b', '\u001b', '\u007f']) expect(await errorsOf({ text: `a${c}b` })).toEqual(['text must not contain control characters']);
    expect(await errorsOf({ code: 'Äpfel €', text: 'Zeile 1\nZeile 2' })).toEqual([]);
  });

  it('takes ISO 8601 times that PostgreSQL reads, and refuses the rest', async () => {
    for (const at of ['2026-01-31', '20260131', '2026-031', '2026-01-31T10:00', '2026-01-31T10:00:00.123456Z', '2026-01-31T10:00:00+01:00', '2026-01-31 10:00:00Z']) expect(await errorsOf({ at })).toEqual([]);
    for (const at of ['2026-W01', '2026-01-31T10', '-2026-01-31', '+12026-01-31', '2026-02-30', '2026-01-31T24:00:00Z', '2026-01-31T10:00:00,5Z', 'yesterday', '2026-01-01\u0000'])
      expect(await errorsOf({ at })).toEqual(['at must be an ISO 8601 date or date-time']);
  });

  it('finds NUL in nested values and keys', () => {
    expect(fieldsWithNul({ a: 'x', b: { c: ['ok', 'n\u0000'] }, ['k\u0000']: 1 })).toEqual(['b.c.1', 'k\u0000']);
    expect(fieldsWithNul('a\u0000', 'code')).toEqual(['code']);
    expect(fieldsWithNul({ a: 1, b: null, c: 'fine' })).toEqual([]);
  });

  it('refuses NUL in any query, route parameter or body with the field named, DTO or not', async () => {
    const pipe = createValidationPipe();
    await expect(pipe.transform('a\u0000', { type: 'param', data: 'code', metatype: String })).rejects.toMatchObject({
      response: { code: 'ValidationFailed', details: [{ field: 'code', errors: ['code must not contain control characters (NUL)'] }] },
    });
    await expect(pipe.transform({ reference: '\u0000' }, { type: 'query', metatype: Object })).rejects.toMatchObject({ response: { details: [{ field: 'reference' }] } });
    await expect(pipe.transform('ok', { type: 'param', data: 'code', metatype: String })).resolves.toBe('ok');
    await expect(validateFields(Probe, { text: 'a\u0000' })).rejects.toMatchObject({ code: 'ValidationFailed', details: [{ field: 'text', errors: ['text must not contain control characters (NUL)'] }] });
  });
});
