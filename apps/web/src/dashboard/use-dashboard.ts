import { useCallback, useEffect, useState } from 'react';

/** One dashboard's figures for a period: loading, the answer, or the service's refusal. */
export function useDashboard<T>(load: (period: number) => Promise<T>, period: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load(period).then(
      (d) => live && setData(d),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [load, period, attempt]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { data, error, retry };
}
