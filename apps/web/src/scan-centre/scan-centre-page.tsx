import { useCallback, useState } from 'react';
import { Route, Routes } from 'react-router';
import { useTranslation } from 'react-i18next';
import { registerMessages } from '../common/i18n';
import { NotFoundPage } from '../common/not-found-page';
import { Page } from '../common/page';
import { BatchListSection } from './batch-list';
import { BatchPage } from './batch-page';
import { scanCentreMessages } from './messages';
import { UploadPanel } from './upload-panel';
import './scan-centre.css';

registerMessages('scan-centre', scanCentreMessages);

/** /scanstelle: upload a batch and follow it live; the recent batches below. */
function ScanCentreHome() {
  const { t } = useTranslation('scan-centre');
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((v) => v + 1), []);
  return (
    <Page title={t('title')}>
      <p className="kern-body scan-centre__intro">{t('intro')}</p>
      <UploadPanel onUploaded={refresh} onCompleted={refresh} />
      <BatchListSection version={version} />
    </Page>
  );
}

/** The scan centre (role scan_operator): /scanstelle and /scanstelle/stapel/:id. */
export default function ScanCentrePage() {
  return (
    <Routes>
      <Route index element={<ScanCentreHome />} />
      <Route path="stapel/:id" element={<BatchPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
