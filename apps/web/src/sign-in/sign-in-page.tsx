import { useEffect, useState } from 'react';
import { Navigate, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api } from '../common/api-client';
import { Notice } from '../common/alerts';
import { Page } from '../common/page';
import { loginUrl, Role, safeReturnTo, useSession } from '../common/session';

interface DevUser {
  loginHint: string;
  name: string;
  role: Role;
}

/**
 * Sign-in: one button to the city's identity provider (OIDC code flow through the service).
 * In development on loopback the service also lists demo accounts, one per role; they go through
 * the same OIDC flow (the development issuer), not around it.
 */
export function SignInPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const { state } = useSession();
  const [devUsers, setDevUsers] = useState<DevUser[]>([]);
  const returnTo = safeReturnTo(params.get('returnTo'));
  const failure = params.get('fehler');
  const signedOut = params.get('abgemeldet') === '1';

  useEffect(() => {
    api<{ devUsers: DevUser[] }>('/api/v1/session/options', { quiet401: true })
      .then((o) => setDevUsers(o.devUsers ?? []))
      .catch(() => setDevUsers([]));
  }, []);

  if (state.status === 'signedIn') return <Navigate to={returnTo} replace />;
  const go = (hint?: string) => window.location.assign(loginUrl(returnTo, hint));

  return (
    <>
    <header className="app-signin-brand">
      <p className="app-header__name">{t('appName')}</p>
      <p className="kern-body kern-body--small">{t('appTagline')}</p>
    </header>
    <main id="inhalt" className="app-main app-main--narrow kern-container" tabIndex={-1}>
      <Page title={t('signIn.title')}>
        {signedOut && <Notice tone="success" title={t('signIn.signedOut')} live />}
        {failure && (
          <div role="alert">
            <Notice tone="danger" title={t(`signIn.failed.${failure}`, { defaultValue: t('signIn.failed.default', { code: failure }) })} />
          </div>
        )}
        <p className="kern-body">{t('signIn.intro')}</p>
        <button type="button" className="kern-btn kern-btn--primary" onClick={() => go()}>
          <span className="kern-label">{t('signIn.withAccount')}</span>
        </button>
        {devUsers.length > 0 && (
          <section aria-labelledby="dev-users" className="app-section">
            <h2 id="dev-users" className="kern-heading-medium">
              {t('signIn.devTitle')}
            </h2>
            <p className="kern-body">{t('signIn.devIntro')}</p>
            <ul className="app-button-list">
              {devUsers.map((u) => (
                <li key={u.loginHint}>
                  <button type="button" className="kern-btn kern-btn--secondary" onClick={() => go(u.loginHint)}>
                    <span className="kern-label">{t('signIn.devUser', { name: u.name, role: t(`roles.${u.role}`) })}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
      </Page>
    </main>
    </>
  );
}
