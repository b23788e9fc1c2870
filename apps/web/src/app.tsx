import { lazy, ReactNode, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { Loading } from './common/alerts';
import { lazyScreen } from './common/lazy-screen';
import { Layout } from './common/layout';
import { homePathFor } from './common/navigation';
import { NotFoundPage } from './common/not-found-page';
import { RequireRole, RequireSession, Role, SessionProvider, useUser } from './common/session';
import { prefetchInbox } from './inbox/inbox-prefetch';
import { SignInPage } from './sign-in/sign-in-page';

// Screens load on demand: the first screen's JavaScript stays small (bench:web measures it).
const HomePage = lazy(() => import('./home/home-page'));
const ScanCentrePage = lazy(() => import('./scan-centre/scan-centre-page'));
const InboxPage = lazyScreen(() => import('./inbox/inbox-page'), /^\/eingangskorb\/?$/, prefetchInbox);
const CaseFileListPage = lazy(() => import('./case-files/case-file-list-page'));
const CaseFilePage = lazy(() => import('./case-files/case-file-page'));
const DocumentPage = lazyScreen(() => import('./document/document-page'), /^\/dokumente\/[^/]+$/);
const SearchPage = lazyScreen(() => import('./search/search-page'), /^\/suche\/?$/);
const DashboardPage = lazy(() => import('./dashboard/dashboard-page'));
const FilePlanPage = lazy(() => import('./file-plan/file-plan-page'));
const LegalHoldsPage = lazy(() => import('./disposal/legal-holds-page'));
const DisposalPage = lazy(() => import('./disposal/disposal-page'));
const DisposalOfferPage = lazy(() => import('./disposal/disposal-offer-page'));
const AuditTrailPage = lazy(() => import('./audit/audit-trail-page'));
const AuditVerifyPage = lazy(() => import('./audit/audit-verify-page'));
const CaseFileHistoryPage = lazy(() => import('./audit/case-file-history-page'));

function Home() {
  const user = useUser();
  return <Navigate to={homePathFor(user.roles)} replace />;
}

const only = (roles: Role[], screen: ReactNode) => (
  <RequireRole roles={roles} fallback={<NotFoundPage />}>
    {screen}
  </RequireRole>
);

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/anmelden" element={<SignInPage />} />
            <Route
              element={
                <RequireSession>
                  <Layout />
                </RequireSession>
              }
            >
              <Route index element={<Home />} />
              <Route path="start" element={<HomePage />} />
              <Route path="scanstelle/*" element={only(['scan_operator'], <ScanCentrePage />)} />
              <Route path="eingangskorb" element={only(['caseworker'], <InboxPage />)} />
              <Route path="akten" element={only(['caseworker', 'records_manager'], <CaseFileListPage />)} />
              <Route path="akten/:id" element={only(['caseworker', 'records_manager'], <CaseFilePage />)} />
              <Route path="dokumente/:id" element={only(['caseworker'], <DocumentPage />)} />
              <Route path="suche" element={only(['caseworker'], <SearchPage />)} />
              <Route path="uebersicht" element={<DashboardPage />} />
              <Route path="aktenplan" element={only(['records_manager'], <FilePlanPage />)} />
              <Route path="loeschsperren" element={only(['records_manager'], <LegalHoldsPage />)} />
              <Route path="aussonderung" element={only(['records_manager'], <DisposalPage />)} />
              <Route path="aussonderung/angebote/:id" element={only(['records_manager'], <DisposalOfferPage />)} />
              <Route path="protokoll" element={only(['auditor'], <AuditTrailPage />)} />
              <Route path="protokoll/pruefung" element={only(['auditor'], <AuditVerifyPage />)} />
              <Route path="protokoll/akten/:id" element={only(['auditor'], <CaseFileHistoryPage />)} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </Suspense>
      </SessionProvider>
    </BrowserRouter>
  );
}
