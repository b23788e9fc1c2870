import { timingSafeEqual, createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Request } from 'express';

const LOOPBACK = (addr: string | undefined): boolean => {
  if (!addr) return false;
  const a = addr.replace(/^::ffff:/, '');
  return a === '::1' || (isIP(a) === 4 && a.startsWith('127.'));
};

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may scrape: with `METRICS_TOKEN` set, whoever sends it as bearer token (compared in
 * constant time); without it, only a client on this machine that comes directly (socket and
 * client address loopback, no proxy headers: a reverse proxy on loopback forwarding an outsider
 * is not loopback).
 */
export function metricsAccess(req: Request, token: string | undefined): 'ok' | 'unauthorized' | 'forbidden' {
  if (token) {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) return 'unauthorized';
    return timingSafeEqual(digest(m[1]), digest(token)) ? 'ok' : 'unauthorized';
  }
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !proxied && LOOPBACK(req.socket.remoteAddress) && LOOPBACK(req.ip ?? req.socket.remoteAddress) ? 'ok' : 'forbidden';
}
