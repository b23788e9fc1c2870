import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { navItemsFor } from '../common/navigation';
import { Page } from '../common/page';
import { useUser } from '../common/session';

/** Start page for roles whose first screen is not a work list. */
export default function HomePage() {
  const { t } = useTranslation();
  const user = useUser();
  const items = navItemsFor(user.roles);
  return (
    <Page title={t('home.title')}>
      <p className="kern-body kern-body--large">{t('home.welcome', { name: user.name })}</p>
      <h2 className="kern-heading-medium">{t('home.yourWork')}</h2>
      {items.length ? (
        <ul className="kern-list">
          {items.map((i) => (
            <li key={i.to}>
              <Link className="kern-link" to={i.to}>
                {t(i.labelKey)}
              </Link>
            </li>
          ))}
        </ul>
      ) : (
        <p className="kern-body">{t('home.noScreens')}</p>
      )}
    </Page>
  );
}
