import type { Request } from 'express';
import { metricsAccess } from './metrics-access';

const req = (remoteAddress: string, headers: Record<string, string> = {}, ip = remoteAddress) => ({ socket: { remoteAddress }, ip, headers }) as unknown as Request;

describe('metricsAccess', () => {
  it('without a token answers loopback clients only', () => {
    expect(metricsAccess(req('127.0.0.1'), undefined)).toBe('ok');
    expect(metricsAccess(req('::1'), undefined)).toBe('ok');
    expect(metricsAccess(req('::ffff:127.0.0.1'), undefined)).toBe('ok');
    expect(metricsAccess(req('10.0.0.5'), undefined)).toBe('forbidden');
    expect(metricsAccess(req('192.168.1.20', {}, '127.0.0.1'), undefined)).toBe('forbidden');
    expect(metricsAccess(req('127.0.0.1', { 'x-forwarded-for': '203.0.113.7' }, '203.0.113.7'), undefined)).toBe('forbidden');
    expect(metricsAccess(req('127.0.0.1', { forwarded: 'for=203.0.113.7' }), undefined)).toBe('forbidden');
  });

  it('with a token wants exactly that bearer token, from anywhere', () => {
    const token = 'scrape-token-0123456789';
    expect(metricsAccess(req('10.0.0.5', { authorization: `Bearer ${token}` }), token)).toBe('ok');
    expect(metricsAccess(req('127.0.0.1'), token)).toBe('unauthorized');
    expect(metricsAccess(req('10.0.0.5', { authorization: `Bearer ${token}x` }), token)).toBe('unauthorized');
    expect(metricsAccess(req('10.0.0.5', { authorization: `Basic ${token}` }), token)).toBe('unauthorized');
  });
});
