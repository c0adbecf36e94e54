import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../helpers/server-process.js';
import { TEST_STORE_KIND } from '../helpers/test-store.js';
import { createTestTokens, TEST_SECRET, type TestTokens } from '../helpers/tokens.js';

const COLLECTION = '/api/workflow/job-templates';
const KILLS = 3;
const LOAD_MS = 700;

/** The last representation the service acknowledged for a template. */
interface Acknowledged {
  readonly revision: number;
  readonly body: Record<string, unknown>;
}

// Kills the SQLite service with SIGKILL under write load; PostgreSQL's durability is the database's own.
describe.runIf(TEST_STORE_KIND === 'sqlite')('crash safety', () => {
  let folder: string;
  let tokens: TestTokens;
  let server: ServerProcess | undefined;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-crash-'));
    tokens = await createTestTokens();
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    rmSync(folder, { recursive: true, force: true });
  });

  const databasePath = () => join(folder, 'crash.db');

  async function send(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> } | undefined> {
    try {
      const response = await fetch(`${server!.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${tokens.admin}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    } catch {
      // The connection died with the process: the write was not acknowledged.
      return undefined;
    }
  }

  it('every acknowledged write survives repeated SIGKILL', async () => {
    const acknowledged = new Map<string, Acknowledged>();
    let counter = 0;

    for (let kill = 0; kill < KILLS; kill += 1) {
      server = await startServer({ DATABASE_URL: `sqlite:${databasePath()}`, AUTH_JWT_SECRET: TEST_SECRET, RATE_LIMIT_PER_MINUTE: '0' });
      let running = true;
      const worker = async () => {
        while (running) {
          counter += 1;
          const ids = [...acknowledged.keys()];
          const response =
            ids.length > 0 && counter % 2 === 0
              ? await send('PUT', `${COLLECTION}/${ids[counter % ids.length]}`, { description: `d${counter}` })
              : await send('POST', COLLECTION, { name: `crash-${counter}`, scope: 'global', containers: [{ name: 'main', image: 'busybox' }] });
          if (response !== undefined && (response.status === 200 || response.status === 201)) {
            const id = String(response.json.id);
            const revision = Number(response.json.revision);
            const previous = acknowledged.get(id);
            if (previous === undefined || previous.revision < revision) {
              acknowledged.set(id, { revision, body: response.json });
            }
          }
          if (response === undefined) {
            return;
          }
        }
      };
      const workers = Array.from({ length: 8 }, () => worker());
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS));
      await server.stop('SIGKILL');
      running = false;
      await Promise.all(workers);
    }

    // The load must have produced writes in every round for the check to mean anything.
    expect(acknowledged.size).toBeGreaterThan(KILLS * 5);
    server = await startServer({ DATABASE_URL: `sqlite:${databasePath()}`, AUTH_JWT_SECRET: TEST_SECRET });
    for (const [id, write] of acknowledged) {
      const stored = await send('GET', `${COLLECTION}/${id}`);
      expect(stored?.status, id).toBe(200);
      const revision = Number(stored?.json.revision);
      // An update in flight at the kill may have committed without its response arriving, so the stored revision may be newer.
      expect(revision, id).toBeGreaterThanOrEqual(write.revision);
      if (revision === write.revision) {
        expect(stored?.json, id).toEqual(write.body);
      }
    }
    await server.stop('SIGTERM');
    server = undefined;

    const database = new BetterSqlite3(databasePath(), { readonly: true });
    try {
      expect(database.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(database.pragma('foreign_key_check')).toEqual([]);
    } finally {
      database.close();
    }
  });
});
