import { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api-client';

/** A refusal or failure of the service, explained (role="alert": read out when it appears). */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = describeError(error, t);
  const reason = error instanceof ApiError && error.message && error.status >= 400 && error.status < 500 && error.status !== 404 ? error.message : null;
  return (
    <div className="kern-alert kern-alert--danger" role="alert">
      <div className="kern-alert__header">
        <span className="kern-icon kern-icon--danger" aria-hidden="true"></span>
        <span className="kern-title">{t('errors.title')}</span>
      </div>
      <div className="kern-alert__body">
        <p className="kern-body">{text}</p>
        {reason && <p className="kern-body">{t('errors.reason', { message: reason })}</p>}
        {onRetry && (
          <button type="button" className="kern-btn kern-btn--secondary" onClick={onRetry}>
            <span className="kern-label">{t('retry')}</span>
          </button>
        )}
      </div>
    </div>
  );
}

export function describeError(error: unknown, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (!(error instanceof ApiError)) return t('errors.unknown', { status: '–' });
  if (error.status === 0) return t('errors.network');
  if (error.status === 401) return t('errors.unauthenticated');
  if (error.status === 403) return t('errors.forbidden');
  if (error.status === 404) return t('errors.notFound');
  if (error.status === 503) return t('errors.unavailable');
  if (error.status >= 400 && error.status < 500) return error.message;
  return t('errors.unknown', { status: error.status });
}

type Tone = 'info' | 'success' | 'warning' | 'danger';
const ICON: Record<Tone, string> = { info: 'info', success: 'success', warning: 'warning', danger: 'danger' };

/** A notice in words (never colour alone: the icon and the title say what kind it is). */
export function Notice({ tone, title, children, live = false }: { tone: Tone; title: string; children?: ReactNode; live?: boolean }) {
  return (
    <div className={`kern-alert kern-alert--${tone}`} role={live ? 'status' : undefined}>
      <div className="kern-alert__header">
        <span className={`kern-icon kern-icon--${ICON[tone]}`} aria-hidden="true"></span>
        <span className="kern-title">{title}</span>
      </div>
      {children && <div className="kern-alert__body">{children}</div>}
    </div>
  );
}

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="kern-body" role="status">
      {t('loading')}
    </p>
  );
}
