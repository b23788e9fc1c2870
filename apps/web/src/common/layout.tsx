import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { LOCALES, Locale, setLocale } from './i18n';
import { navItemsFor } from './navigation';
import { useSession, useUser } from './session';

/** Skip link, header (app, navigation by role, language, user, sign-out), and the main region. */
export function Layout() {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const { signOut } = useSession();
  const items = navItemsFor(user.roles);
  return (
    <>
      <a className="app-skip-link" href="#inhalt">
        {t('skipLink')}
      </a>
      <header className="app-header">
        <div className="app-header__brand">
          <NavLink to="/" className="app-header__name">
            {t('appName')}
          </NavLink>
          <span className="kern-body kern-body--small">{t('appTagline')}</span>
        </div>
        <nav aria-label={t('mainNavigation')} className="app-nav">
          <ul className="app-nav__list">
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} className="app-nav__link">
                  {t(item.labelKey)}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="app-header__user">
          <label className="kern-label kern-label--small" htmlFor="app-language">
            {t('language')}
          </label>
          <select id="app-language" className="kern-form-input__select app-language" value={i18n.language} onChange={(e) => setLocale(e.target.value as Locale)}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
          <span className="kern-body kern-body--small">
            {t('signedInAs', { name: user.name })} · {user.roles.map((r) => t(`roles.${r}`)).join(', ')}
            {user.departments.length > 0 && <> · {t('departmentsLabel', { departments: user.departments.join(', ') })}</>}
          </span>
          <button type="button" className="kern-btn kern-btn--tertiary" onClick={() => void signOut()}>
            <span className="kern-icon kern-icon--logout" aria-hidden="true"></span>
            <span className="kern-label">{t('signOut')}</span>
          </button>
        </div>
      </header>
      <main id="inhalt" className="app-main kern-container" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
