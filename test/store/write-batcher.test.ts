import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../src/store/database.js';
import { MAX_BATCH_SIZE, WriteBatcher } from '../../src/store/write-batcher.js';

describe('WriteBatcher', () => {
  let folder: string;
  let db: Kysely<Database>;
  let other: BetterSqlite3.Database;
  let batcher: WriteBatcher;
  let commits: number;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-batch-'));
    const path = join(folder, 'batch.db');
    const connection = new BetterSqlite3(path);
    connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    commits = 0;
    db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: connection }),
      log: (event) => {
        if (event.level === 'query' && event.query.sql === 'commit') {
          commits += 1;
        }
      },
    });
    await sql`create table parent (id integer primary key, name text not null unique)`.execute(db);
    await sql`create table child (parent_id integer references parent (id) deferrable initially deferred)`.execute(db);
    other = new BetterSqlite3(path, { readonly: true });
    batcher = new WriteBatcher(db);
  });
  afterEach(async () => {
    other.close();
    await db.destroy();
    rmSync(folder, { recursive: true, force: true });
  });

  const insertParent = (id: number, name: string) => batcher.run((trx) => sql`insert into parent (id, name) values (${id}, ${name})`.execute(trx));
  const names = () => other.prepare('select name from parent order by id').pluck().all();

  it('concurrent writes share one commit', async () => {
    await Promise.all([insertParent(1, 'a'), insertParent(2, 'b'), insertParent(3, 'c')]);

    expect(commits).toBe(1);
    expect(names()).toEqual(['a', 'b', 'c']);
  });

  it('failed write fails alone', async () => {
    const results = await Promise.allSettled([insertParent(1, 'a'), insertParent(2, 'a'), insertParent(3, 'c')]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(names()).toEqual(['a', 'c']);
  });

  it('failed commit fails every write of the batch', async () => {
    const orphan = batcher.run((trx) => sql`insert into child (parent_id) values (${99})`.execute(trx));

    const results = await Promise.allSettled([insertParent(1, 'a'), orphan]);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY constraint failed/);
    expect(names()).toEqual([]);
  });

  it('write settles after its commit is visible', async () => {
    await insertParent(1, 'a');

    expect(names()).toEqual(['a']);
  });

  it('batch holds at most the bound of writes', async () => {
    await Promise.all(Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, index) => insertParent(index + 1, `n${index}`)));

    expect(commits).toBe(2);
    expect(names()).toHaveLength(MAX_BATCH_SIZE + 1);
  });

  it('write after a batch runs in a new batch', async () => {
    await insertParent(1, 'a');
    await insertParent(2, 'b');

    expect(commits).toBe(2);
  });

  it('write returns its result', async () => {
    const value = await batcher.run(async (trx) => {
      await sql`insert into parent (id, name) values (1, 'a')`.execute(trx);
      return 'done';
    });

    expect(value).toBe('done');
  });
});
