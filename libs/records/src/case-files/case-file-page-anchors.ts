/** Every how many rows of a list order a key is remembered. */
export const ANCHOR_EVERY = 50;
/** Most lists (department × filter shape) remembered at once. */
const MAX_LISTS = 1_000;

/**
 * The keys (opened_at as PostgreSQL text, id) at positions 0, ANCHOR_EVERY, 2 × ANCHOR_EVERY … of one
 * list order, as they were when the list's `version` (see the case_file_counts migration) had
 * this value. While the version is unchanged the list is unchanged, so page N can start its index
 * scan at the nearest key before it instead of skipping (N - 1) × pageSize entries.
 */
export interface PageAnchors {
  version: string;
  openedAt: string[];
  ids: string[];
}

/** Where a page starts: at or after this key, skipping `skip` rows; `key` null = from the top. */
export interface PageStart {
  key: { openedAt: string; id: string } | null;
  skip: number;
}

export function pageStart(anchors: PageAnchors, offset: number): PageStart {
  const i = Math.min(Math.floor(offset / ANCHOR_EVERY), anchors.ids.length - 1);
  if (i <= 0) return { key: null, skip: offset };
  return { key: { openedAt: anchors.openedAt[i], id: anchors.ids[i] }, skip: offset - i * ANCHOR_EVERY };
}

/**
 * A per-process cache of {@link PageAnchors} by list. Nothing is trusted blindly: every page query
 * reads the list's current version in the same statement, and a page read with anchors of another
 * version is thrown away. Concurrent rebuilds of one list share one query.
 */
export class PageAnchorCache {
  private readonly lists = new Map<string, PageAnchors>();
  private readonly loading = new Map<string, Promise<PageAnchors>>();

  get(list: string): PageAnchors | undefined {
    return this.lists.get(list);
  }

  /** Forgets the list's anchors if they are still those of `version`. */
  invalidate(list: string, version: string): void {
    if (this.lists.get(list)?.version === version) this.lists.delete(list);
  }

  load(list: string, read: () => Promise<PageAnchors>): Promise<PageAnchors> {
    let pending = this.loading.get(list);
    if (!pending) {
      pending = read()
        .then((anchors) => {
          if (this.lists.size >= MAX_LISTS && !this.lists.has(list)) this.lists.delete(this.lists.keys().next().value!);
          this.lists.set(list, anchors);
          return anchors;
        })
        .finally(() => this.loading.delete(list));
      this.loading.set(list, pending);
    }
    return pending;
  }
}

/** Most case files held by one process's {@link PageCache} (about 0.5 KB each). */
const MAX_CACHED_ROWS = 50_000;

/**
 * Pages of a department's list (or of all departments) as read at one `version` of that list.
 * The version moves with every change of a row's place or shown metadata (see the
 * CaseFileCounts migration), so a page whose version equals the list's current version
 * (read from PostgreSQL for every request) is exactly what reading it again would return.
 * Least recently used pages go first.
 */
export class PageCache<T> {
  private readonly pages = new Map<string, { version: string; items: readonly T[] }>();
  private rows = 0;

  get(page: string): { version: string; items: readonly T[] } | undefined {
    const hit = this.pages.get(page);
    if (hit) {
      this.pages.delete(page);
      this.pages.set(page, hit);
    }
    return hit;
  }

  set(page: string, version: string, items: readonly T[]): void {
    this.delete(page);
    if (items.length > MAX_CACHED_ROWS) return;
    while (this.rows + items.length > MAX_CACHED_ROWS) this.delete(this.pages.keys().next().value!);
    this.pages.set(page, { version, items });
    this.rows += items.length;
  }

  private delete(page: string): void {
    const old = this.pages.get(page);
    if (!old) return;
    this.pages.delete(page);
    this.rows -= old.items.length;
  }
}
