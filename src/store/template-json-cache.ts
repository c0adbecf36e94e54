/**
 * An in-memory cache of templates' JSON text, keyed by ID and validated by
 * revision and creation time, so that reads send ready text without reading
 * the large `body` column again. An entry is used only when the row that the
 * query returned has the same revision and created_at, which makes the cache
 * safe with several instances writing to one database: any change of a
 * template through the API changes its revision.
 *
 * TODO: `npm run import` keeps ID, revision and timestamps. When one process
 * deletes a template and imports it again with other content, another
 * process that cached the old text keeps serving it. A write stamp stored in
 * each row and in the list indexes would close this.
 *
 * An entry can also keep the template's read view, confirmed at a generation
 * of a {@link ChangeTracker}: while the generation has not moved, a read by ID
 * needs no query at all.
 */
import type { TemplateJsonView } from './template-store.js';

interface Entry {
  readonly revision: number;
  readonly createdAt: string;
  readonly json: string;
  /** Mark set by a read. Eviction passes over a marked entry once and clears the mark. */
  used: boolean;
  /** The read view and the generation at which the database last confirmed it, if any. */
  confirmed?: { readonly generation: number; readonly view: TemplateJsonView };
}

/**
 * Default bound on the cached text, in UTF-16 code units: V8 keeps ASCII and
 * Latin-1 text in one byte a character, other text in two. 8 Mi characters
 * hold about 10,000 typical templates, and keep the process under 150 MB at
 * 100,000 templates.
 */
export const DEFAULT_CACHE_CHARACTERS = 8 * 1024 * 1024;

export class TemplateJsonCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxCharacters: number;
  #characters = 0;

  constructor(maxCharacters: number = DEFAULT_CACHE_CHARACTERS) {
    this.#maxCharacters = maxCharacters;
  }

  /** Returns the cached text of a template at this revision, or undefined. */
  get(id: string, revision: number, createdAt: string): string | undefined {
    const entry = this.#entries.get(id);
    if (entry === undefined || entry.revision !== revision || entry.createdAt !== createdAt) {
      return undefined;
    }
    // Marking the entry instead of moving it to the end of the map keeps reads cheap, because a list reads a
    // hundred entries. Eviction gives marked entries a second chance, close to least-recently-used order.
    entry.used = true;
    return entry.json;
  }

  /** Returns the view confirmed at exactly this generation, or undefined. */
  getConfirmed(id: string, generation: number): TemplateJsonView | undefined {
    const entry = this.#entries.get(id);
    if (entry?.confirmed?.generation !== generation) {
      return undefined;
    }
    entry.used = true;
    return entry.confirmed.view;
  }

  /** Records that the database showed this view of a cached template at `generation`. */
  confirm(id: string, generation: number, view: TemplateJsonView): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined && entry.revision === view.revision && entry.json === view.json) {
      entry.confirmed = { generation, view };
    }
  }

  set(id: string, revision: number, createdAt: string, json: string): void {
    if (json.length > this.#maxCharacters) {
      return;
    }
    this.delete(id);
    this.#entries.set(id, { revision, createdAt, json, used: false });
    this.#characters += json.length;
    while (this.#characters > this.#maxCharacters) {
      const [oldestId, oldest] = this.#entries.entries().next().value!;
      this.#entries.delete(oldestId);
      if (oldest.used) {
        oldest.used = false;
        this.#entries.set(oldestId, oldest);
      } else {
        this.#characters -= oldest.json.length;
      }
    }
  }

  delete(id: string): void {
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      this.#entries.delete(id);
      this.#characters -= entry.json.length;
    }
  }

  /** Number of cached templates. */
  get size(): number {
    return this.#entries.size;
  }
}
