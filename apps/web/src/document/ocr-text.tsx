import { useTranslation } from 'react-i18next';
import { formatPercent } from '../common/format';
import type { DocumentText, OcrPage } from './document-api';

/** Below this mean word confidence a page is worth comparing with the original (as the transfer note says). */
const LOW_CONFIDENCE = 60;

/** The recognised text page by page (pages are separated by form feeds), each with its OCR confidence. */
export function OcrText({ text, pages }: { text: DocumentText | null; pages: OcrPage[] }) {
  const { t } = useTranslation('document');
  const content = text?.text ?? '';
  if (!content.trim()) return <p className="kern-body">{t('text.none')}</p>;
  const texts = content.split('\f');
  const count = Math.max(texts.length, pages.length);
  return (
    <ol className="ocr-text" aria-label={t('text.heading')}>
      {Array.from({ length: count }, (_, i) => {
        const info = pages.find((p) => p.pageNo === i + 1);
        return (
          <li key={i} className="ocr-text__page">
            <h3 className="kern-heading-small">{t('text.page', { page: i + 1 })}</h3>
            <p className="kern-body kern-body--small ocr-text__confidence">{confidenceText(info, t)}</p>
            <p className="kern-body ocr-text__body">{(texts[i] ?? '').trim()}</p>
          </li>
        );
      })}
    </ol>
  );
}

function confidenceText(info: OcrPage | undefined, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (!info) return t('text.confidenceUnknown');
  if (info.source === 'text-layer') return t('text.sourceTextLayer');
  if (info.source === 'blank') return t('text.sourceBlank');
  if (info.meanConfidence === null) return t('text.confidenceUnknown');
  const value = t('text.confidence', { percent: formatPercent(info.meanConfidence / 100) });
  return info.meanConfidence < LOW_CONFIDENCE ? `${value} – ${t('text.lowConfidence')}` : value;
}
