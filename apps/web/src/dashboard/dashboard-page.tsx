import { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { registerMessages } from '../common/i18n';
import { Page } from '../common/page';
import { useUser } from '../common/session';
import { DashboardName, dashboardsFor } from './dashboard-api';
import { AuditorSection, CaseworkerSection, RecordsManagerSection, ScanCentreSection } from './dashboard-sections';
import { dashboardMessages } from './messages';
import './dashboard.css';

registerMessages('dashboard', dashboardMessages);

const SECTIONS: Record<DashboardName, ComponentType> = {
  'scan-centre': ScanCentreSection,
  caseworker: CaseworkerSection,
  'records-manager': RecordsManagerSection,
  auditor: AuditorSection,
};

/** Übersicht: the dashboards of the signed-in person's roles, charts with their figures as tables. */
export default function DashboardPage() {
  const { t } = useTranslation('dashboard');
  const user = useUser();
  const names = dashboardsFor(user.roles);
  return (
    <Page title={t('title')}>
      <p className="kern-body">{t('intro')}</p>
      {names.length === 0 && <p className="kern-body">{t('none')}</p>}
      {names.map((name) => {
        const Section = SECTIONS[name];
        return <Section key={name} />;
      })}
    </Page>
  );
}
