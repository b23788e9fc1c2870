import { ComponentType, lazy, LazyExoticComponent } from 'react';

type Module = { default: ComponentType<object> };

/**
 * A screen loaded on demand, like React.lazy, but when the page is opened at that screen's URL
 * (a link from outside, a bookmark, a reload) its chunk starts loading at once, while the session
 * is still being checked, and once loaded it renders without suspending: no "Loading" fallback and
 * none of React's 300 ms wait before revealing suspended content. `prefetch` (kept in the main
 * bundle, small) starts the screen's first requests at the same moment.
 */
export function lazyScreen(load: () => Promise<Module>, openedAt: RegExp, prefetch?: () => void): LazyExoticComponent<ComponentType<object>> {
  let loaded: Module | null = null;
  let loading: Promise<Module> | null = null;
  const start = () =>
    (loading ??= load().then(
      (m) => (loaded = m),
      (e) => {
        loading = null;
        throw e;
      },
    ));
  if (openedAt.test(window.location.pathname)) {
    start().catch(() => undefined);
    prefetch?.(); // the screen's first requests, in parallel with its chunk
  }
  // a thenable that answers synchronously once the module is there (React.lazy then does not suspend)
  return lazy(() => (loaded ? ({ then: (resolve: (m: Module) => void) => resolve(loaded!) } as unknown as Promise<Module>) : start()));
}
