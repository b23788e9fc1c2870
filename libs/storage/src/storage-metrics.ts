import { DomainError } from '@app/common';
import type { Metrics } from '@app/metrics';
import type { ObjectStorage } from './object-storage';

const OPERATIONS = new Set(['ensureReady', 'ping', 'put', 'get', 'stat', 'delete', 'capabilities', 'setRetention']);

/**
 * The storage driver with `eakte_storage_errors_total{operation}` counted on every failed call.
 * Refusals of the content itself (too large, hash mismatch: domain errors) are not storage errors.
 */
export function instrumentStorage(storage: ObjectStorage, metrics: Metrics): ObjectStorage {
  const errors = metrics.counter({ name: 'eakte_storage_errors_total', help: 'Failed object storage operations by operation', labelNames: ['operation'] as const });
  for (const op of OPERATIONS) errors.inc({ operation: op }, 0);
  const count = (operation: string, e: unknown) => {
    if (!(e instanceof DomainError)) errors.inc({ operation });
  };
  return new Proxy(storage, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof prop !== 'string' || !OPERATIONS.has(prop) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          return result instanceof Promise
            ? result.catch((e) => {
                count(prop, e);
                throw e;
              })
            : result;
        } catch (e) {
          count(prop, e);
          throw e;
        }
      };
    },
  });
}
