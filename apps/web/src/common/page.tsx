import { ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A screen's frame: sets the page title (`<title> – E-Akte`, read first by screen readers) and
 * moves focus to the heading when the screen opens, so keyboard and screen-reader users start at
 * the new content after a navigation.
 */
export function Page({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} – ${t('appName')}`;
  }, [title, t]);
  useEffect(() => {
    heading.current?.focus({ preventScroll: true });
  }, []);
  return (
    <section className="app-page" aria-labelledby="page-heading">
      <div className="app-page__header">
        <h1 id="page-heading" className="kern-heading-large" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions && <div className="app-page__actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
