import { useEffect, useState } from 'react';
import { ApiError } from '../common/api-client';
import { Batch, BATCHES, BatchDocument, getBatch } from './batch-api';

/** How the screen learns about changes: the event stream, reconnecting, polling, or finished. */
export type LiveState = 'idle' | 'live' | 'reconnecting' | 'polling' | 'failed' | 'done';

const POLL_MS = 2000;
const POLL_MAX_MS = 15000;
/** Errors of the event stream in a row (without a message between them) before polling takes over. */
const MAX_STREAM_ERRORS = 3;

const keyOf = (d: BatchDocument) => (d.position !== undefined ? `p${d.position}` : `${d.id}|${d.filename}`);

/** Applies one document event to the batch (rows are matched by their place in the upload). */
export function mergeDocument(batch: Batch, doc: BatchDocument): Batch {
  const key = keyOf(doc);
  const at = batch.documents.findIndex((d) => keyOf(d) === key);
  const documents = at < 0 ? [...batch.documents, doc].sort((a, b) => (a.position ?? 0) - (b.position ?? 0)) : batch.documents.map((d, i) => (i === at ? { ...d, ...doc } : d));
  const open = documents.some((d) => d.status === 'queued' || d.status === 'processing');
  return { ...batch, documents, status: open ? 'processing' : batch.status };
}

/**
 * The live state of a batch: its server-sent events (`GET /api/v1/batches/:id/events` on this
 * origin; the session cookie authenticates the EventSource), with the browser's own reconnect;
 * after repeated failures, or when the stream is refused, the batch is polled instead until it is
 * complete. `initial` is what the screen already has (the upload's answer or a first GET).
 */
export function useLiveBatch(initial: Batch | null): { batch: Batch | null; live: LiveState; error: unknown } {
  const [batch, setBatch] = useState<Batch | null>(initial);
  const [live, setLive] = useState<LiveState>('idle');
  const [error, setError] = useState<unknown>(null);
  const id = initial?.id ?? null;
  const completedAtStart = initial?.status === 'completed';

  useEffect(() => {
    setBatch(initial);
    setError(null);
  }, [initial]);

  useEffect(() => {
    if (!id) return;
    if (completedAtStart) {
      setLive('done');
      return;
    }
    let stopped = false;
    let source: EventSource | null = null;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let streamErrors = 0;
    const controller = new AbortController();

    const finish = async () => {
      source?.close();
      source = null;
      // the final state once more from the batch itself (the stream may have skipped nothing, but it is cheap)
      try {
        const b = await getBatch(id, controller.signal);
        if (!stopped) setBatch(b);
      } catch {
        /* the events already carried the final state */
      }
      if (!stopped) setLive('done');
    };

    const poll = async (delay: number) => {
      if (stopped) return;
      try {
        const b = await getBatch(id, controller.signal);
        if (stopped) return;
        setBatch(b);
        setError(null);
        if (b.status === 'completed') {
          setLive('done');
          return;
        }
        setLive('polling');
        pollTimer = setTimeout(() => void poll(POLL_MS), POLL_MS);
      } catch (e) {
        if (stopped || (e as Error).name === 'AbortError') return;
        if (e instanceof ApiError && (e.status === 401 || e.status === 403 || e.status === 404)) {
          setError(e);
          setLive('failed');
          return;
        }
        setLive('failed');
        const next = Math.min(POLL_MAX_MS, delay * 2);
        pollTimer = setTimeout(() => void poll(next), next);
      }
    };

    const startPolling = () => {
      source?.close();
      source = null;
      if (!stopped) void poll(POLL_MS);
    };

    if (typeof EventSource === 'undefined') {
      startPolling();
    } else {
      source = new EventSource(`${BATCHES}/${encodeURIComponent(id)}/events`);
      source.onopen = () => {
        streamErrors = 0;
        if (!stopped) setLive('live');
      };
      source.addEventListener('document', (e) => {
        streamErrors = 0;
        const doc = JSON.parse((e as MessageEvent<string>).data) as BatchDocument;
        setBatch((b) => (b ? mergeDocument(b, doc) : b));
      });
      source.addEventListener('batch', (e) => {
        const data = JSON.parse((e as MessageEvent<string>).data) as { status: string };
        // the stream ends after this event: close before the browser reconnects on its own
        if (data.status === 'completed') void finish();
        else startPolling();
      });
      source.onerror = () => {
        if (stopped || !source) return;
        streamErrors++;
        // CLOSED: the stream was refused (not 200 text/event-stream); otherwise the browser reconnects
        if (source.readyState === EventSource.CLOSED || streamErrors >= MAX_STREAM_ERRORS) startPolling();
        else setLive('reconnecting');
      };
    }
    return () => {
      stopped = true;
      source?.close();
      controller.abort();
      if (pollTimer) clearTimeout(pollTimer);
    };
  }, [id, completedAtStart]);

  return { batch, live, error };
}
