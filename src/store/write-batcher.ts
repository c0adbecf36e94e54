import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database.js';

/** A write of one request, run inside a shared transaction. */
export type BatchedWrite<T> = (trx: Transaction<Database>) => Promise<T>;

interface QueuedWrite {
  readonly work: BatchedWrite<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

/** Maximum writes committed together, which bounds how long a read waits for the connection. */
export const MAX_BATCH_SIZE = 64;

/**
 * Group commit for SQLite: the writes that arrive while the event loop is
 * busy run in one transaction, each inside its own savepoint, and share one
 * commit and so one sync to disk. With `synchronous=full` that sync costs
 * more than the write itself. A write that fails is rolled back to its
 * savepoint and fails alone. Every write's promise settles only after the
 * commit, so the service responds only once the write is on disk. A failed
 * commit fails every write of the batch.
 */
export class WriteBatcher {
  readonly #db: Kysely<Database>;
  #queue: QueuedWrite[] = [];
  #flushing = false;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /** Runs `work` in the next batch and settles with its result once the batch has committed. */
  run<T>(work: BatchedWrite<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (!this.#flushing) {
      this.#flushing = true;
      // Waiting for the check phase lets the requests read in this turn of the event loop join the batch.
      setImmediate(() => void this.#flush());
    }
  }

  async #flush(): Promise<void> {
    try {
      await this.#flushQueue();
    } finally {
      this.#flushing = false;
      // A write queued by code that ran between the last batch and this point would otherwise wait forever.
      if (this.#queue.length > 0) {
        this.#schedule();
      }
    }
  }

  async #flushQueue(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH_SIZE);
      const outcomes: Outcome[] = [];
      try {
        await this.#db.transaction().execute(async (trx) => {
          for (const write of batch) {
            outcomes.push(await runInSavepoint(trx, write.work));
          }
        });
      } catch (error) {
        for (const write of batch) {
          write.reject(error);
        }
        continue;
      }
      batch.forEach((write, index) => {
        const outcome = outcomes[index]!;
        if (outcome.ok) {
          write.resolve(outcome.value);
        } else {
          write.reject(outcome.error);
        }
      });
    }
  }
}

async function runInSavepoint(trx: Transaction<Database>, work: BatchedWrite<unknown>): Promise<Outcome> {
  await sql`savepoint batched_write`.execute(trx);
  try {
    const value = await work(trx);
    await sql`release batched_write`.execute(trx);
    return { ok: true, value };
  } catch (error) {
    await sql`rollback to batched_write`.execute(trx);
    await sql`release batched_write`.execute(trx);
    return { ok: false, error };
  }
}
