import { createHmac, timingSafeEqual } from 'node:crypto';

/** The text an anchor's HMAC-SHA256 is taken over: version, sequence number, chain hash. */
export function anchorMessage(seq: string | number | bigint, hash: string): string {
  return `eakte-audit-anchor:v1:${seq}:${hash}`;
}

export function signAnchor(key: string, seq: string | number | bigint, hash: string): string {
  return createHmac('sha256', key).update(anchorMessage(seq, hash)).digest('hex');
}

export function anchorSignatureValid(key: string, seq: string | number | bigint, hash: string, signature: string): boolean {
  const expected = Buffer.from(signAnchor(key, seq, hash), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
