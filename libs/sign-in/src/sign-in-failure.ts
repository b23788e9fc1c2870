/**
 * A sign-in that did not succeed. `code` goes to the sign-in page (`/anmelden?fehler=<code>`),
 * which explains it; `reason` goes to the audit trail.
 */
export class SignInFailure extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'SignInFailure';
  }
}

/** An issuer's error code as it may appear in our URL (OAuth codes are lower-case ASCII words). */
export function safeErrorCode(value: unknown): string {
  return typeof value === 'string' && /^[a-z_]{1,64}$/.test(value) ? value : 'sign_in_failed';
}
