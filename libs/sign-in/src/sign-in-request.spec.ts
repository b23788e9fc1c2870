import { decodeSignInRequest, encodeSignInRequest, safeLoginHint, safeReturnTo, signInCookieName } from './sign-in-request';
import { devSignInOffered } from './demo-users';

describe('sign-in request', () => {
  it('keeps same-origin paths and turns everything else into /', () => {
    expect(safeReturnTo('/')).toBe('/');
    expect(safeReturnTo('/akten/123?tab=dokumente#verlauf')).toBe('/akten/123?tab=dokumente#verlauf');
    for (const bad of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)', 'akten', '', '/a\nb', '/\t/evil.example', undefined, ['/x'], 42]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });

  it('accepts plain login hints only', () => {
    expect(safeLoginHint('anna.32')).toBe('anna.32');
    expect(safeLoginHint('rita@stadt.example')).toBe('rita@stadt.example');
    expect(safeLoginHint('<script>')).toBeUndefined();
    expect(safeLoginHint('a b')).toBeUndefined();
    expect(safeLoginHint(['anna.32'])).toBeUndefined();
  });

  it('round-trips through its cookie and refuses tampered values', () => {
    const r = { state: 'abcdefghijklmnopqrstuvwxyz', nonce: 'n', codeVerifier: 'v', returnTo: '/akten', expiresAt: 123 };
    expect(decodeSignInRequest(encodeSignInRequest(r))).toEqual(r);
    expect(decodeSignInRequest(encodeSignInRequest({ ...r, returnTo: '//evil.example' }))?.returnTo).toBe('/');
    expect(decodeSignInRequest('not-base64-json')).toBeUndefined();
    expect(decodeSignInRequest(Buffer.from('["a","b"]').toString('base64url'))).toBeUndefined();
    expect(signInCookieName(r.state)).toBe('eakte_signin_abcdefghijklmnop');
  });

  it('offers the demo users only in development on loopback', () => {
    expect(devSignInOffered({ env: 'development', host: '127.0.0.1' })).toBe(true);
    expect(devSignInOffered({ env: 'development', host: '::1' })).toBe(true);
    expect(devSignInOffered({ env: 'development', host: 'localhost' })).toBe(true);
    expect(devSignInOffered({ env: 'development', host: '0.0.0.0' })).toBe(false);
    expect(devSignInOffered({ env: 'development', host: '10.0.0.5' })).toBe(false);
    expect(devSignInOffered({ env: 'test', host: '127.0.0.1' })).toBe(false);
    expect(devSignInOffered({ env: 'production', host: '127.0.0.1' })).toBe(false);
  });
});
