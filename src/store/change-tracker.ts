/**
 * Tells when the database may have changed, so that reads can reuse what
 * they read before. Its generation is a number that grows with every write of
 * this process and every commit that SQLite reports from another connection.
 * A result read at one generation stays exact while the generation is the same.
 */
export class ChangeTracker {
  readonly #dataVersion: () => number;
  #lastDataVersion: number;
  #generation = 0;

  /** Takes a function that returns SQLite's `PRAGMA data_version`, which changes with every other connection's commit. */
  constructor(dataVersion: () => number) {
    this.#dataVersion = dataVersion;
    this.#lastDataVersion = dataVersion();
  }

  /** Returns the current generation, after checking for other connections' commits. */
  current(): number {
    const version = this.#dataVersion();
    if (version !== this.#lastDataVersion) {
      this.#lastDataVersion = version;
      this.#generation += 1;
    }
    return this.#generation;
  }

  /**
   * Records a write of this process. SQLite's data_version ignores the
   * connection's own commits, so every write must call this once it has
   * committed or failed, before its caller responds.
   */
  recordWrite(): void {
    this.#generation += 1;
  }
}
