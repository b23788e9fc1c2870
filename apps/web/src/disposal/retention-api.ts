import type { AppraisalPreviewResponse, OfferPageResponse, OfferResponse, OfferStepResponse, OfferItemResponse, SweepResponse } from '../../../../libs/retention/src/disposal/disposal.dto';
import type { ActiveLegalHoldPageResponse, ActiveLegalHoldResponse, CaseFileHoldsResponse, LegalHoldResponse } from '../../../../libs/retention/src/holds/legal-hold.dto';
import { api, apiUpload, withQuery } from '../common/api-client';
import type { CaseFile, CaseFilePage } from '../case-files/api';

/** Types come from the service's own DTOs: a changed response breaks this build, not the records manager. */
export type Offer = OfferResponse;
export type OfferItem = OfferItemResponse;
export type OfferStep = OfferStepResponse;
export type OfferPage = OfferPageResponse;
export type AppraisalPreview = AppraisalPreviewResponse;
export type Sweep = SweepResponse;
export type LegalHold = LegalHoldResponse;
export type ActiveLegalHold = ActiveLegalHoldResponse;
export type ActiveLegalHoldPage = ActiveLegalHoldPageResponse;
export type CaseFileHolds = CaseFileHoldsResponse;

const offerPath = (id: string) => `/api/v1/disposal/offers/${encodeURIComponent(id)}`;

export const runSweep = () => api<Sweep>('/api/v1/disposal/sweep', { method: 'POST' });

export const fetchDue = (f: { departmentCode?: string; filePlanCode?: string; page?: number; pageSize?: number }) => api<CaseFilePage>('/api/v1/disposal/due', { query: f });

export const createOffer = (caseFileIds: string[]) => api<{ id: string; processId: string; status: string }>('/api/v1/disposal/offers', { method: 'POST', json: { caseFileIds } });

export const fetchOffers = (page = 1, pageSize = 50) => api<OfferPage>('/api/v1/disposal/offers', { query: { page, pageSize } });

export const fetchOffer = (id: string) => api<Offer>(offerPath(id));

const xmlForm = (file: File) => {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
};

/** Validates and reads the archive's 0502 without applying it. */
export const previewAppraisal = (id: string, file: File) => apiUpload<AppraisalPreview>(`${offerPath(id)}/appraisal/preview`, xmlForm(file));

export const applyAppraisal = (id: string, file: File) => apiUpload<Offer>(`${offerPath(id)}/appraisal`, xmlForm(file));

export const executeOffer = (id: string) => api<Offer>(`${offerPath(id)}/execute`, { method: 'POST' });

export const uploadConfirmation = (id: string, file: File) => apiUpload<Offer>(`${offerPath(id)}/confirmation`, xmlForm(file));

export const confirmByHand = (id: string, reason: string) => api<Offer>(`${offerPath(id)}/confirmation`, { method: 'POST', json: { confirmed: true, reason } });

/** Downloads are plain links: the browser saves the attachment the service names. */
export const download0501Url = (id: string) => `${offerPath(id)}/0501`;
export const download0503Url = (id: string) => `${offerPath(id)}/0503`;
export const certificateUrl = (id: string) => withQuery(`${offerPath(id)}/certificate`, { format: 'pdf' });

export const fetchActiveHolds = (page = 1, pageSize = 100) => api<ActiveLegalHoldPage>('/api/v1/holds', { query: { page, pageSize } });

export const fetchCaseFileHolds = (caseFileId: string) => api<CaseFileHolds>(`/api/v1/case-files/${encodeURIComponent(caseFileId)}/holds`);

export const setHold = (caseFileId: string, reason: string, reference?: string) =>
  api<LegalHold>(`/api/v1/case-files/${encodeURIComponent(caseFileId)}/holds`, { method: 'POST', json: { reason, reference: reference || undefined } });

export const liftHold = (caseFileId: string, holdId: string, reason: string) =>
  api<LegalHold>(`/api/v1/case-files/${encodeURIComponent(caseFileId)}/holds/${encodeURIComponent(holdId)}`, { method: 'DELETE', json: { reason } });

/** A case file by its Aktenzeichen (exact), for setting a hold. */
export async function findCaseFile(reference: string): Promise<CaseFile | null> {
  const page = await api<CaseFilePage>('/api/v1/case-files', { query: { reference, pageSize: 1 } });
  return page.items[0] ?? null;
}
