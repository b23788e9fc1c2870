import { useTranslation } from 'react-i18next';
import { Page } from '../common/page';

// PLACEHOLDER: replaced by the screen's implementation before this lands.
export default function LegalHoldsPage() {
  const { t } = useTranslation();
  return <Page title={t('nav.legalHolds')}>{null}</Page>;
}
