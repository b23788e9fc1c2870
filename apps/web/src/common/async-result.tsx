import { ReactNode } from 'react';
import { ErrorMessage, Loading } from './alerts';

/**
 * What a screen loaded: the failure (with a retry), "loading" while nothing is there yet, and the
 * data once it is. Data already shown stays visible when a reload fails.
 */
export function AsyncResult<T>({ data, error, onRetry, children }: { data: T | null | undefined; error: unknown; onRetry: () => void; children: (data: T) => ReactNode }) {
  return (
    <>
      {error !== null && <ErrorMessage error={error} onRetry={onRetry} />}
      {data == null && error === null && <Loading />}
      {data != null && children(data)}
    </>
  );
}
