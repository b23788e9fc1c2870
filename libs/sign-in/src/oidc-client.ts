import { Inject, Injectable } from '@nestjs/common';
import { BaseClient, custom, errors, generators, Issuer } from 'openid-client';
import { APP_CONFIG, AppConfig } from '@app/config';
import { SignInFailure } from './sign-in-failure';

/** How long a call to the issuer (discovery, token, JWKS) may take. */
const ISSUER_TIMEOUT_MS = 5000;

export interface AuthorizationChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/**
 * The records API as an OpenID Connect client of the configured issuer (openid-client): discovery,
 * the authorization request (code + PKCE S256), the code exchange with ID token verification
 * (signature, issuer, audience, nonce, expiry) and the RP-initiated logout URL.
 */
@Injectable()
export class OidcClient {
  private client?: Promise<BaseClient>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    custom.setHttpOptionsDefaults({ timeout: ISSUER_TIMEOUT_MS });
  }

  static newChecks(): AuthorizationChecks {
    return { state: generators.state(), nonce: generators.nonce(), codeVerifier: generators.codeVerifier() };
  }

  async authorizationUrl(checks: AuthorizationChecks, loginHint?: string): Promise<string> {
    const client = await this.get();
    return client.authorizationUrl({
      response_type: 'code',
      scope: this.config.oidc.scopes,
      redirect_uri: this.config.oidc.redirectUri,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: generators.codeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      // a named account must sign in even if the issuer still has a session of someone else
      ...(loginHint ? { login_hint: loginHint, prompt: 'login' } : {}),
    });
  }

  /** Exchanges the code; returns the verified ID token and its claims. */
  async exchange(params: Record<string, string>, checks: AuthorizationChecks): Promise<{ idToken: string; claims: Record<string, unknown> }> {
    const client = await this.get();
    try {
      const tokens = await client.callback(this.config.oidc.redirectUri, params, {
        response_type: 'code',
        state: checks.state,
        nonce: checks.nonce,
        code_verifier: checks.codeVerifier,
      });
      if (!tokens.id_token) throw new SignInFailure('sign_in_failed', 'the issuer returned no ID token');
      return { idToken: tokens.id_token, claims: tokens.claims() as Record<string, unknown> };
    } catch (e) {
      if (e instanceof SignInFailure) throw e;
      if (e instanceof errors.OPError) throw new SignInFailure('sign_in_failed', `the issuer refused the code exchange: ${e.error}${e.error_description ? ` (${e.error_description})` : ''}`);
      if (e instanceof errors.RPError) throw new SignInFailure('sign_in_failed', `the issuer's answer did not verify: ${e.message}`);
      throw new SignInFailure('issuer_unavailable', `the issuer could not be reached: ${(e as Error).message}`);
    }
  }

  /** The issuer's end-session URL for RP-initiated logout, or undefined when it has none. */
  async endSessionUrl(idToken: string | null): Promise<string | undefined> {
    const client = await this.get();
    if (!client.issuer.metadata.end_session_endpoint) return undefined;
    return client.endSessionUrl({
      ...(idToken ? { id_token_hint: idToken } : { client_id: this.config.oidc.clientId }),
      post_logout_redirect_uri: this.config.oidc.postLogoutRedirectUri,
    });
  }

  /** The discovered client; a failed discovery is not remembered (the next sign-in tries again). */
  private get(): Promise<BaseClient> {
    if (!this.client) {
      this.client = this.discover().catch((e) => {
        this.client = undefined;
        throw e instanceof SignInFailure ? e : new SignInFailure('issuer_unavailable', `issuer discovery failed: ${(e as Error).message}`);
      });
    }
    return this.client;
  }

  private async discover(): Promise<BaseClient> {
    const { issuer, clientId, clientSecret, redirectUri } = this.config.oidc;
    if (!issuer || !clientId) throw new SignInFailure('sign_in_unavailable', 'browser sign-in is not configured');
    const found = await Issuer.discover(issuer);
    return new found.Client({
      client_id: clientId,
      ...(clientSecret ? { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' } : { token_endpoint_auth_method: 'none' }),
      redirect_uris: [redirectUri],
      response_types: ['code'],
    });
  }
}
