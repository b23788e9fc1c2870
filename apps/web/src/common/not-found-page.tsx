import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { Page } from './page';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('notFoundTitle')}>
      <p className="kern-body">{t('notFoundText')}</p>
      <p className="kern-body">
        <Link className="kern-link" to="/">
          {t('backHome')}
        </Link>
      </p>
    </Page>
  );
}
