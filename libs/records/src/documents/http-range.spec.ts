import { parseRange } from './http-range';

describe('parseRange', () => {
  it('parses closed, open and suffix ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 });
  });
  it('ignores absent and multi-range headers', () => {
    expect(parseRange(undefined, 100)).toBeUndefined();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeUndefined();
  });
  it('rejects unsatisfiable ranges with 416', () => {
    expect(() => parseRange('bytes=100-', 100)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
    expect(() => parseRange('bytes=5-1', 100)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
    expect(() => parseRange('items=0-1', 100)).toThrow(expect.objectContaining({ code: 'InvalidRange' }));
  });
});
