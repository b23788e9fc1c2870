// The development issuer: a real OpenID provider (oidc-provider, certified) on loopback, holding
// only the accounts of its JSON configuration. `npm start` runs it in development with the demo
// accounts; the browser tests run it with their own. Plain ESM for `node` (oidc-provider is
// ESM-only): never imported by the apps or by jest.
//
//   node apps/dev-issuer/main.mjs <config.json>      or   DEV_ISSUER_CONFIG='{"port":3003,...}' node apps/dev-issuer/main.mjs
//
// Configuration (JSON):
//   port                     listening port on 127.0.0.1 (0: any free port); default 3003
//   accounts                 [{ sub, name, password, roles: [], departments: [] }]
//   passwordlessLoginHint    true: an authorization request whose login_hint names an account signs
//                            that account in without its password (development only); default false
//   clients                  [{ client_id, client_secret, redirect_uris: [], post_logout_redirect_uris: [] }]
//   claims                   claim names in the ID token: { roles, departments, name } (default the same)
//   ttl                      seconds: { session, idToken, accessToken, interaction }
//
// It prints `dev-issuer: listening on <issuer URL>` once it accepts requests.
import { createHash, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import Provider from 'oidc-provider';

const LOOPBACK = '127.0.0.1';

function fail(message) {
  process.stderr.write(`dev-issuer: ${message}\n`);
  process.exit(1);
}

function readConfig() {
  const source = process.argv[2] ?? process.env.DEV_ISSUER_CONFIG;
  if (!source) fail('no configuration: pass a JSON file as argument or set DEV_ISSUER_CONFIG (JSON text or a file path)');
  let raw;
  try {
    raw = JSON.parse(source.trim().startsWith('{') ? source : readFileSync(source, 'utf8'));
  } catch (e) {
    fail(`configuration is not readable JSON: ${e.message}`);
  }
  const problems = [];
  const accounts = Array.isArray(raw.accounts) ? raw.accounts : [];
  if (!accounts.length) problems.push('accounts: at least one account is required');
  for (const [i, a] of accounts.entries()) {
    if (typeof a.sub !== 'string' || !a.sub) problems.push(`accounts[${i}].sub: required`);
    if (typeof a.password !== 'string' || !a.password) problems.push(`accounts[${i}].password: required`);
    if (!Array.isArray(a.roles ?? [])) problems.push(`accounts[${i}].roles: must be a list`);
    if (!Array.isArray(a.departments ?? [])) problems.push(`accounts[${i}].departments: must be a list`);
  }
  const clients = Array.isArray(raw.clients) ? raw.clients : [];
  if (!clients.length) problems.push('clients: at least one client is required');
  for (const [i, c] of clients.entries()) {
    if (typeof c.client_id !== 'string' || !c.client_id) problems.push(`clients[${i}].client_id: required`);
    if (typeof c.client_secret !== 'string' || c.client_secret.length < 16) problems.push(`clients[${i}].client_secret: at least 16 characters`);
    if (!Array.isArray(c.redirect_uris) || !c.redirect_uris.length) problems.push(`clients[${i}].redirect_uris: required`);
  }
  const port = raw.port ?? 3003;
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('port: an integer 0..65535');
  if (problems.length) fail(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  const ttl = raw.ttl ?? {};
  return {
    port,
    accounts: new Map(accounts.map((a) => [a.sub, { sub: a.sub, name: a.name ?? a.sub, password: a.password, roles: a.roles ?? [], departments: a.departments ?? [] }])),
    passwordlessLoginHint: raw.passwordlessLoginHint === true,
    clients: clients.map((c) => ({
      client_id: c.client_id,
      client_secret: c.client_secret,
      redirect_uris: c.redirect_uris,
      post_logout_redirect_uris: c.post_logout_redirect_uris ?? [],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    claims: { roles: raw.claims?.roles ?? 'roles', departments: raw.claims?.departments ?? 'departments', name: raw.claims?.name ?? 'name' },
    ttl: { session: ttl.session ?? 8 * 3600, idToken: ttl.idToken ?? 3600, accessToken: ttl.accessToken ?? 3600, interaction: ttl.interaction ?? 600 },
  };
}

if (process.env.NODE_ENV === 'production') fail('the development issuer does not run with NODE_ENV=production');
const config = readConfig();

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:1rem;line-height:1.5;color:#1b1b1b;background:#f2f2f2}
main{max-width:26rem;margin:3rem auto;padding:2rem;background:#fff;border:1px solid #8a8a8a;border-radius:4px}
h1{font-size:1.5rem;margin:0 0 .5rem}
p{margin:0 0 1rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input{display:block;width:100%;padding:.5rem;font:inherit;border:1px solid #595959;border-radius:3px}
button{display:block;width:100%;margin-top:1rem;padding:.6rem;font:inherit;font-weight:600;border:2px solid #004b87;border-radius:3px;background:#004b87;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#004b87}
:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.error{padding:.75rem;border:2px solid #a4000f;background:#fff0f0;color:#7a000b;font-weight:600}
.hint{font-size:.875rem;color:#4a4a4a}
`;

const clientOrigins = [...new Set(config.clients.flatMap((c) => [...c.redirect_uris, ...c.post_logout_redirect_uris]).map((u) => new URL(u).origin))];
// no script at all on the issuer's own pages; forms may continue to the clients (redirects after a POST)
const CSP = `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${clientOrigins.join(' ')}; frame-ancestors 'none'; base-uri 'none'`;

function securityHeaders(res) {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – E-Akte Anmeldedienst (Entwicklung)</title>
<link rel="stylesheet" href="/assets/issuer.css">
</head>
<body>
<main>
${body}
</main>
</body>
</html>`;
}

function loginPage(uid, { username = '', error = false } = {}) {
  return page(
    'Anmelden',
    `<h1>Anmelden</h1>
<p class="hint">Anmeldedienst der E-Akte für Entwicklung und Tests: nur Demo-Konten.</p>
${error ? '<p class="error" role="alert" id="fehler">Benutzername oder Passwort ist falsch.</p>' : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<label for="username">Benutzername</label>
<input id="username" name="username" autocomplete="username" required value="${esc(username)}"${error ? ' aria-describedby="fehler" aria-invalid="true"' : ''}>
<label for="password">Passwort</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${error ? ' aria-describedby="fehler" aria-invalid="true"' : ''}>
<button type="submit">Anmelden</button>
</form>
<form method="post" action="/interaction/${esc(uid)}/abort">
<button type="submit" class="secondary">Abbrechen</button>
</form>`,
  );
}

function send(res, status, html) {
  securityHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(html);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    req.on('data', (c) => {
      size += c.length;
      if (size > 16 * 1024) {
        reject(new Error('form too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

/** Constant-time password check (hashes first, so lengths do not leak). */
function passwordMatches(account, password) {
  const a = createHash('sha256').update(String(password ?? '')).digest();
  const b = createHash('sha256').update(account.password).digest();
  return timingSafeEqual(a, b);
}

function accountClaims(account) {
  return { sub: account.sub, [config.claims.name]: account.name, [config.claims.roles]: account.roles, [config.claims.departments]: account.departments };
}

function signingKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), use: 'sig', alg: 'RS256' };
}

const server = http.createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(config.port, LOOPBACK, resolve);
});
const issuer = `http://${LOOPBACK}:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey()] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  claims: { openid: ['sub'], profile: [...new Set(['name', config.claims.name, config.claims.roles, config.claims.departments])] },
  // the ID token carries roles, departments and name (the records API reads them from there)
  conformIdTokenClaims: false,
  responseTypes: ['code'],
  pkce: { required: () => true },
  clientBasedCORS: () => false,
  ttl: {
    Session: config.ttl.session,
    IdToken: config.ttl.idToken,
    AccessToken: config.ttl.accessToken,
    Interaction: config.ttl.interaction,
    Grant: config.ttl.session,
    AuthorizationCode: 60,
  },
  async findAccount(_ctx, sub) {
    const account = config.accounts.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => accountClaims(account) };
  },
  // first-party clients only: no consent screen, the requested OpenID scopes are granted
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = 'html';
        ctx.body = page(
          'Abmelden',
          `<h1>Abmelden</h1>
<p>Möchten Sie sich auch beim Anmeldedienst abmelden?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Abmelden</button>
<button type="submit" form="op.logoutForm" class="secondary">Angemeldet bleiben</button>`,
        );
      },
      async postLogoutSuccessSource(ctx) {
        ctx.type = 'html';
        ctx.body = page('Abgemeldet', '<h1>Abgemeldet</h1><p>Sie sind beim Anmeldedienst abgemeldet.</p>');
      },
    },
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page(
      'Fehler',
      `<h1>Anmeldung nicht möglich</h1>
<p role="alert">${esc(out.error_description ?? out.error)}</p>
<p class="hint">Fehlercode: ${esc(out.error)}</p>`,
    );
  },
});

// the provider's own pages (logout, errors, the form that continues a logout) get the same headers;
// the automatic form of a logout without issuer session adds its script's hash to script-src itself
provider.use(async (ctx, next) => {
  ctx.set('Content-Security-Policy', `${CSP}; script-src 'self'`);
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'no-referrer');
  await next();
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`dev-issuer: server error: ${err.stack ?? err}\n`));

const providerCallback = provider.callback();

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Fehler', '<h1>Anmeldung nicht möglich</h1><p role="alert">Die Anmeldung ist abgelaufen. Bitte beginnen Sie erneut.</p>'));
  const { prompt, params } = details;
  const hint = typeof params.login_hint === 'string' ? params.login_hint : '';
  if (action === 'abort' && req.method === 'POST') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'Die Anmeldung wurde abgebrochen.' }, { mergeWithLastSubmission: false });
  }
  if (prompt.name === 'login') {
    if (action === 'login' && req.method === 'POST') {
      const form = await readForm(req);
      const username = form.get('username') ?? '';
      const account = config.accounts.get(username);
      if (!account || !passwordMatches(account, form.get('password'))) return send(res, 401, loginPage(uid, { username, error: true }));
      return provider.interactionFinished(req, res, { login: { accountId: account.sub } }, { mergeWithLastSubmission: false });
    }
    if (config.passwordlessLoginHint && config.accounts.has(hint)) {
      return provider.interactionFinished(req, res, { login: { accountId: hint } }, { mergeWithLastSubmission: false });
    }
    return send(res, 200, loginPage(uid, { username: config.accounts.has(hint) ? hint : '' }));
  }
  // any other prompt (consent): first-party clients, grant what was asked
  const grant = new provider.Grant({ accountId: details.session.accountId, clientId: params.client_id });
  grant.addOIDCScope(String(params.scope ?? 'openid'));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

server.on('request', async (req, res) => {
  const url = new URL(req.url, issuer);
  try {
    if (url.pathname === '/assets/issuer.css') {
      securityHeaders(res);
      res.setHeader('Content-Type', 'text/css; charset=utf-8');
      return res.end(CSS);
    }
    const m = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?$/.exec(url.pathname);
    if (m) return await interaction(req, res, m[1], m[2]);
    return providerCallback(req, res);
  } catch (e) {
    const expired = e?.name === 'SessionNotFound';
    if (!expired) process.stderr.write(`dev-issuer: ${e?.stack ?? e}\n`);
    if (!res.headersSent) send(res, expired ? 400 : 500, page('Fehler', `<h1>Anmeldung nicht möglich</h1><p role="alert">${expired ? 'Die Anmeldung ist abgelaufen. Bitte beginnen Sie erneut.' : 'Ein Fehler ist aufgetreten.'}</p>`));
    else res.end();
  }
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdout.write(`dev-issuer: listening on ${issuer} (${config.accounts.size} accounts${config.passwordlessLoginHint ? ', login_hint signs in without password' : ''})\n`);
