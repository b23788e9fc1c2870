import { KeyboardEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PDFDocumentProxy, RenderTask } from 'pdfjs-dist';
import { apiBinary } from '../common/api-client';
import { takeContent } from './document-api';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { ErrorMessage, Notice } from '../common/alerts';
import { formatPercent } from '../common/format';

type PdfJs = typeof import('pdfjs-dist/build/pdf.mjs');
interface PdfJsLoaded {
  lib: PdfJs;
  /** One worker for every document the viewer opens (started once, kept for the session). */
  worker: InstanceType<PdfJs['PDFWorker']>;
}
let pdfjsLoading: Promise<PdfJsLoaded> | null = null;

/**
 * pdf.js is loaded only when the viewer is opened (its own chunk and its worker file, both from
 * this origin; no eval: the app's CSP allows no 'unsafe-eval'). The document screen calls this as
 * it mounts, so the library and its worker start while the metadata and the PDF are fetched.
 */
export function loadPdfJs(): Promise<PdfJsLoaded> {
  pdfjsLoading ??= (async () => {
    // the worker script (the larger part) starts first and compiles in its own thread while the
    // library loads and is evaluated here
    const port = new Worker(workerUrl, { type: 'module', name: 'pdf.js' });
    const lib = await import('pdfjs-dist/build/pdf.mjs');
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    return { lib, worker: new lib.PDFWorker({ port: port as never }) };
  })();
  pdfjsLoading.catch(() => (pdfjsLoading = null));
  return pdfjsLoading;
}

const MIN_SCALE = 0.5;
const MAX_SCALE = 3;
const ZOOM_STEP = 1.25;
/** Pages this far outside the visible area are drawn ahead of scrolling. */
const PRELOAD_MARGIN = '300px 0px';

interface PageSize {
  width: number;
  height: number;
}

/**
 * The document's PDF drawn page by page by pdf.js: every page has a placeholder of its size, and
 * a page is drawn (canvas + selectable text layer) only when it scrolls near the visible area, so
 * the first page of a long document appears at once. Keyboard: Page Up/Down and arrow left/right
 * turn pages, Home/End go to the first/last page, + and − zoom.
 */
export function PdfViewer({ url, label }: { url: string; label: string }) {
  const { t } = useTranslation('document');
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [lib, setLib] = useState<PdfJs | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scale, setScale] = useState<number | null>(null);
  const [baseSize, setBaseSize] = useState<PageSize | null>(null);
  const [current, setCurrent] = useState(1);
  const [pageInput, setPageInput] = useState('1');
  const [announcement, setAnnouncement] = useState('');
  const scroller = useRef<HTMLDivElement>(null);
  const pageElements = useRef(new Map<number, HTMLDivElement>());

  // fetch the bytes and pdf.js at the same time
  useEffect(() => {
    performance.mark('eakte:pdf-viewer-mounted');
    const abort = new AbortController();
    let loaded: PDFDocumentProxy | null = null;
    setPdf(null);
    setError(null);
    setScale(null);
    setCurrent(1);
    setPageInput('1');
    Promise.all([takeContent(url)?.catch(() => apiBinary(url, undefined, abort.signal)) ?? apiBinary(url, undefined, abort.signal), loadPdfJs()])
      .then(async ([data, { lib: pdfjs, worker }]) => {
        performance.mark('eakte:pdf-fetched');
        const doc = await pdfjs.getDocument({ data: new Uint8Array(data), worker, isEvalSupported: false, enableXfa: false, stopAtErrors: false }).promise;
        if (abort.signal.aborted) return void doc.destroy();
        loaded = doc;
        performance.mark('eakte:pdf-opened');
        const first = await doc.getPage(1);
        const vp = first.getViewport({ scale: 1 });
        const width = scroller.current?.clientWidth ?? 800;
        setLib(pdfjs);
        setBaseSize({ width: vp.width, height: vp.height });
        setScale(clamp(Math.min((width - 32) / vp.width, 1.5)));
        setPdf(doc);
      })
      .catch((e) => {
        if ((e as Error)?.name !== 'AbortError') setError(e);
      });
    return () => {
      abort.abort();
      void loaded?.destroy();
    };
  }, [url]);

  // draw pages as they come near the visible area; again from scratch when the scale changes
  useEffect(() => {
    if (!pdf || !lib || scale === null || !scroller.current) return;
    const tasks = new Set<RenderTask>();
    const textLayers = new Set<{ cancel: () => void }>();
    const drawn = new Set<number>();
    let cancelled = false;
    const dpr = window.devicePixelRatio || 1;

    const draw = async (n: number, el: HTMLDivElement) => {
      if (drawn.has(n)) return;
      drawn.add(n);
      el.setAttribute('aria-busy', 'true');
      try {
        const page = await pdf.getPage(n);
        if (cancelled) return;
        const viewport = page.getViewport({ scale });
        el.style.width = `${Math.floor(viewport.width)}px`;
        el.style.height = `${Math.floor(viewport.height)}px`;
        el.style.setProperty('--scale-factor', String(scale));
        const canvas = document.createElement('canvas');
        canvas.width = Math.floor(viewport.width * dpr);
        canvas.height = Math.floor(viewport.height * dpr);
        canvas.style.width = `${Math.floor(viewport.width)}px`;
        canvas.style.height = `${Math.floor(viewport.height)}px`;
        canvas.setAttribute('aria-hidden', 'true');
        const text = document.createElement('div');
        text.className = 'textLayer';
        el.replaceChildren(canvas, text);
        const task = page.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport, transform: dpr !== 1 ? [dpr, 0, 0, dpr, 0, 0] : undefined });
        tasks.add(task);
        await task.promise;
        tasks.delete(task);
        if (cancelled) return;
        if (n === 1) performance.mark('eakte:pdf-page1-painted');
        el.setAttribute('aria-busy', 'false');
        const layer = new lib.TextLayer({ textContentSource: page.streamTextContent(), container: text, viewport });
        textLayers.add(layer);
        await layer.render();
        textLayers.delete(layer);
      } catch (e) {
        if (cancelled || (e as Error)?.name === 'RenderingCancelledException') return;
        drawn.delete(n);
        el.setAttribute('aria-busy', 'false');
        setError(e);
      }
    };

    for (const el of pageElements.current.values()) {
      el.replaceChildren();
      el.setAttribute('aria-busy', 'true');
    }
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          const el = entry.target as HTMLDivElement;
          void draw(Number(el.dataset.page), el);
        }
      },
      { root: scroller.current, rootMargin: PRELOAD_MARGIN },
    );
    for (const el of pageElements.current.values()) observer.observe(el);
    return () => {
      cancelled = true;
      observer.disconnect();
      for (const task of tasks) task.cancel();
      for (const layer of textLayers) layer.cancel();
    };
  }, [pdf, lib, scale]);

  const count = pdf?.numPages ?? 0;

  const goTo = useCallback(
    (n: number) => {
      if (!count) return;
      const target = Math.min(Math.max(1, n), count);
      const el = pageElements.current.get(target);
      if (el && scroller.current) scroller.current.scrollTop = el.offsetTop - scroller.current.offsetTop - 8;
      setCurrent(target);
      setPageInput(String(target));
      setAnnouncement(t('viewer.currentPage', { page: target, count }));
    },
    [count, t],
  );

  const zoom = useCallback(
    (factor: number) => {
      if (scale === null) return;
      const next = clamp(scale * factor);
      setScale(next);
      setAnnouncement(t('viewer.zoomLevel', { percent: formatPercent(next) }));
    },
    [scale, t],
  );

  // after a zoom, keep the current page in view
  useEffect(() => {
    const el = pageElements.current.get(current);
    if (el && scroller.current) scroller.current.scrollTop = el.offsetTop - scroller.current.offsetTop - 8;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scale]);

  const onScroll = () => {
    const box = scroller.current;
    if (!box || !count) return;
    const middle = box.scrollTop + box.clientHeight / 3;
    let n = 1;
    for (const [page, el] of pageElements.current) if (el.offsetTop - box.offsetTop <= middle) n = Math.max(n, page);
    if (n !== current) {
      setCurrent(n);
      setPageInput(String(n));
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, () => void> = {
      PageDown: () => goTo(current + 1),
      ArrowRight: () => goTo(current + 1),
      PageUp: () => goTo(current - 1),
      ArrowLeft: () => goTo(current - 1),
      Home: () => goTo(1),
      End: () => goTo(count),
      '+': () => zoom(ZOOM_STEP),
      '=': () => zoom(ZOOM_STEP),
      '-': () => zoom(1 / ZOOM_STEP),
    };
    const action = keys[e.key];
    if (action && !e.altKey && !e.ctrlKey && !e.metaKey) {
      e.preventDefault();
      action();
    }
  };

  const size = baseSize && scale ? { width: Math.floor(baseSize.width * scale), height: Math.floor(baseSize.height * scale) } : null;

  return (
    <div className="pdf-viewer">
      <div className="pdf-viewer__toolbar" role="toolbar" aria-label={t('viewer.heading')}>
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => goTo(current - 1)} disabled={!count || current <= 1}>
          <span className="kern-icon kern-icon--arrow-back" aria-hidden="true"></span>
          <span className="kern-label">{t('viewer.previous')}</span>
        </button>
        <div className="pdf-viewer__page-field">
          <label className="kern-label" htmlFor="pdf-page-number">
            {t('viewer.pageInput')}
          </label>
          <input
            id="pdf-page-number"
            className="kern-form-input__input pdf-viewer__page-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={count || 1}
            value={pageInput}
            disabled={!count}
            onChange={(e) => setPageInput(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') goTo(Number(pageInput) || 1);
            }}
            onBlur={() => pageInput !== String(current) && goTo(Number(pageInput) || 1)}
          />
          <span className="kern-body">{t('viewer.pageOf', { count })}</span>
        </div>
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => goTo(current + 1)} disabled={!count || current >= count}>
          <span className="kern-label">{t('viewer.next')}</span>
          <span className="kern-icon kern-icon--arrow-forward" aria-hidden="true"></span>
        </button>
        <span className="pdf-viewer__separator" aria-hidden="true"></span>
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => zoom(1 / ZOOM_STEP)} disabled={!scale || scale <= MIN_SCALE}>
          <span className="kern-label">{t('viewer.zoomOut')}</span>
        </button>
        <span className="kern-body">{scale ? t('viewer.zoomLevel', { percent: formatPercent(scale) }) : ''}</span>
        <button type="button" className="kern-btn kern-btn--secondary" onClick={() => zoom(ZOOM_STEP)} disabled={!scale || scale >= MAX_SCALE}>
          <span className="kern-label">{t('viewer.zoomIn')}</span>
        </button>
      </div>
      <p className="kern-body kern-body--small" id="pdf-keyboard-hint">
        {t('viewer.keyboardHint')}
      </p>
      <p className="app-visually-hidden" role="status">
        {announcement}
      </p>
      {error != null && pdf && (
        <Notice tone="warning" title={t('viewer.heading')}>
          <p className="kern-body">{t('viewer.renderFailed', { message: errorText(error) })}</p>
        </Notice>
      )}
      {error != null && !pdf && <ErrorMessage error={error} />}
      <div
        className="pdf-viewer__pages"
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label={label}
        aria-describedby="pdf-keyboard-hint"
        onKeyDown={onKeyDown}
        onScroll={onScroll}
      >
        {!pdf && error == null && <p className="kern-body" role="status">{t('viewer.loadingPdf')}</p>}
        {pdf &&
          Array.from({ length: count }, (_, i) => i + 1).map((n) => (
            <div
              key={n}
              className="pdf-page"
              data-page={n}
              role="group"
              aria-label={t('viewer.page', { page: n, count })}
              aria-busy="true"
              style={size ? { width: `${size.width}px`, height: `${size.height}px` } : undefined}
              ref={(el) => {
                if (el) pageElements.current.set(n, el);
                else pageElements.current.delete(n);
              }}
            />
          ))}
      </div>
    </div>
  );
}

const clamp = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, Math.round(s * 100) / 100));

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
