import { DomainError, ErrorCode } from '@app/common';
import type { ByteRange } from '@app/storage';

/**
 * Parses a single-range `Range: bytes=…` header against a size. Returns undefined for no header
 * (or a multi-range request, which is answered with the whole body) and throws 416 when unsatisfiable.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) {
    if (/^bytes=.*,/.test(header)) return undefined;
    throw new DomainError(ErrorCode.InvalidRange, `unsupported Range header: ${header}`, { size });
  }
  const [, a, b] = m;
  let start: number;
  let end: number;
  if (a === '' && b === '') throw new DomainError(ErrorCode.InvalidRange, 'empty range', { size });
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) throw new DomainError(ErrorCode.InvalidRange, 'empty suffix range', { size });
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) throw new DomainError(ErrorCode.InvalidRange, `range not satisfiable for ${size} bytes`, { size });
  return { start, end };
}
