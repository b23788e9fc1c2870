import { useEffect, useState } from 'react';
import { apiBinary } from '../common/api-client';
import { ErrorMessage, Loading } from '../common/alerts';
import { takeContent } from './document-api';

/**
 * A PNG/JPEG original shown from the fetched bytes (blob: URL, allowed by the CSP's img-src); the
 * content route itself is never opened inline from the app's origin.
 */
export function ImageView({ url, mimeType, alt }: { url: string; mimeType: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const abort = new AbortController();
    let objectUrl: string | null = null;
    setSrc(null);
    setError(null);
    (takeContent(url)?.catch(() => apiBinary(url, undefined, abort.signal)) ?? apiBinary(url, undefined, abort.signal))
      .then((data) => {
        objectUrl = URL.createObjectURL(new Blob([data], { type: mimeType }));
        setSrc(objectUrl);
      })
      .catch((e) => {
        if ((e as Error)?.name !== 'AbortError') setError(e);
      });
    return () => {
      abort.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, mimeType]);
  if (error) return <ErrorMessage error={error} />;
  if (!src) return <Loading />;
  return <img className="document-image" src={src} alt={alt} />;
}
