import type { ListJson, ListQuery } from './template-store.js';

/** Default bound on the cached pages. */
export const DEFAULT_CACHED_PAGES = 1000;

/** Bound on the JSON text of all cached pages together, in UTF-16 code units, because a response body may be kept with each. */
export const MAX_CACHED_PAGE_CHARACTERS = 8 * 1024 * 1024;

/**
 * Keeps list results of one generation of a {@link ChangeTracker}, keyed by
 * the whole query, the caller's visibility included. A new generation empties
 * the cache, so a page is never served after any write that could change it.
 * The texts are shared with the JSON cache, so a page costs little more than
 * its array.
 */
export class ListPageCache {
  readonly #pages = new Map<string, ListJson>();
  readonly #maxPages: number;
  #characters = 0;
  #generation = -1;

  constructor(maxPages: number = DEFAULT_CACHED_PAGES) {
    this.#maxPages = maxPages;
  }

  /** Returns the key of a query. Equal queries give equal keys. */
  static keyOf(query: ListQuery): string {
    return JSON.stringify(query);
  }

  /** Returns the page cached for this key at this generation, or undefined. */
  get(key: string, generation: number): ListJson | undefined {
    return generation === this.#generation ? this.#pages.get(key) : undefined;
  }

  /** Keeps a page read at `generation`, unless the cache already contains a newer generation. */
  set(key: string, generation: number, page: ListJson): void {
    if (generation < this.#generation || this.#maxPages === 0) {
      return;
    }
    if (generation > this.#generation) {
      this.#pages.clear();
      this.#characters = 0;
      this.#generation = generation;
    }
    const characters = page.items.reduce((sum, item) => sum + item.length, 0);
    if (characters > MAX_CACHED_PAGE_CHARACTERS || this.#pages.has(key)) {
      return;
    }
    while (this.#pages.size >= this.#maxPages || this.#characters + characters > MAX_CACHED_PAGE_CHARACTERS) {
      const [oldestKey, oldest] = this.#pages.entries().next().value!;
      this.#pages.delete(oldestKey);
      this.#characters -= oldest.items.reduce((sum, item) => sum + item.length, 0);
    }
    this.#pages.set(key, page);
    this.#characters += characters;
  }

  /** Number of cached pages. */
  get size(): number {
    return this.#pages.size;
  }
}
