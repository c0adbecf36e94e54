/**
 * The export and import commands, run as child processes the way
 * `npm run export` and `npm run import` run them, against SQLite files and,
 * when TEST_DATABASE_URL is set, a PostgreSQL schema of their own.
 * run-export.test.ts and run-import.test.ts test each branch of the commands
 * in the test process, where V8 coverage measures them.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { describeStore, redactDatabaseUrl } from '../../src/cli/configured-store.js';
import { formatTemplateRecord } from '../../src/domain/template-record.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { TemplateStore } from '../../src/store/template-store.js';
import { compareIds, expectSameTemplates, readAll, sampleTemplate, storedTemplate } from './templates.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE_FOLDER = new URL('../fixtures/real-templates/', import.meta.url);
const POSTGRES_URL = process.env.TEST_DATABASE_URL;

interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `src/cli/<script>.ts` as `npm run` does, with only PATH and `env` set, and `stdin` (default empty) as its standard input. */
async function runCli(
  script: 'export-templates' | 'import-templates',
  args: readonly string[],
  env: Record<string, string>,
  stdin?: string | Buffer,
): Promise<CommandResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', SQLITE_SYNCHRONOUS: 'normal', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('close', (exitCode) => resolve(exitCode)));
  return { code, stdout, stderr };
}

/** Reads a port on 127.0.0.1 that nothing listens on, by opening and closing a server on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('the server has no TCP address');
  }
  return address.port;
}

describe('export and import on SQLite', () => {
  let folder: string;
  const stores: TemplateStore[] = [];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-cli-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) {
      await store.close();
    }
    rmSync(folder, { recursive: true, force: true });
  });

  async function openStore(file: string): Promise<TemplateStore> {
    const { store } = await openSqliteStore({ path: join(folder, file), busyTimeoutMs: 5000, synchronous: 'normal' });
    stores.push(store);
    return store;
  }

  function sqliteEnv(file: string): Record<string, string> {
    return { DATABASE_URL: `sqlite:${join(folder, file)}` };
  }

  it('copies every template to a second store', async () => {
    const source = await openStore('source.db');
    // More than two pages of 1000, so that the export pages through the store.
    const templates = Array.from({ length: 2345 }, (_, index) => sampleTemplate(index));
    for (const template of [...templates].reverse()) {
      await source.create(template);
    }
    const exportFile = join(folder, 'templates.jsonl');

    const exported = await runCli('export-templates', ['--output', exportFile], sqliteEnv('source.db'));
    expect(exported.stderr).toBe(`Exported 2345 templates from sqlite:${join(folder, 'source.db')} to ${exportFile}.\n`);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe('');
    const lines = readFileSync(exportFile, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2345);
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(templates.map((template) => template.id).sort());

    const imported = await runCli('import-templates', [exportFile], sqliteEnv('target.db'));
    expect(imported.stderr).toBe(`Imported 2345 templates from ${exportFile} into sqlite:${join(folder, 'target.db')}; rejected 0 lines.\n`);
    expect(imported.code).toBe(0);

    const target = await openStore('target.db');
    const copied = await readAll(target);
    expectSameTemplates(copied, templates);
    expectSameTemplates(copied, await readAll(source));

    const reexported = await runCli('export-templates', [], sqliteEnv('target.db'));
    expect(reexported.code).toBe(0);
    expect(reexported.stdout).toBe(readFileSync(exportFile, 'utf8'));
  });

  it('exports an empty store as no lines', async () => {
    const result = await runCli('export-templates', [], sqliteEnv('empty.db'));
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`Exported 0 templates from sqlite:${join(folder, 'empty.db')}.\n`);
  });

  it('export replaces the output file whole', async () => {
    const store = await openStore('source.db');
    const template = sampleTemplate(1);
    await store.create(template);
    const exportFile = join(folder, 'out.jsonl');
    writeFileSync(exportFile, 'old content\n'.repeat(100));

    const result = await runCli('export-templates', ['-o', exportFile], sqliteEnv('source.db'));
    expect(result.code).toBe(0);
    expect(readFileSync(exportFile, 'utf8')).toBe(`${formatTemplateRecord(template)}\n`);
    expect(readdirSync(folder).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('export to a missing folder fails', async () => {
    const result = await runCli('export-templates', ['--output', join(folder, 'missing', 'out.jsonl')], sqliteEnv('source.db'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot create the output file next to ${join(folder, 'missing', 'out.jsonl')}`);
  });

  it('import reports each bad line and keeps the good ones', async () => {
    const first = storedTemplate({ name: 'first', scope: 'project', project_id: 'proj-a', containers: [{ name: 'main', image: 'busybox' }] });
    const second = storedTemplate({ name: 'second', scope: 'project', project_id: 'proj-a', containers: [{ name: 'main', image: 'busybox' }] });
    const third = storedTemplate({ name: 'third', scope: 'global', containers: [{ name: 'main', image: 'busybox' }] }, { revision: 6 });
    const lines = [
      formatTemplateRecord(first),
      '',
      '{"id": "wf-tmpl-broken", "name": [1,',
      formatTemplateRecord({ ...third, id: 'wf-tmpl-invalid', containers: [] }),
      formatTemplateRecord(second),
      formatTemplateRecord({ ...third, id: first.id }),
      formatTemplateRecord({ ...third, id: 'wf-tmpl-same-name', name: 'second', scope: 'project', project_id: 'proj-a' }),
      '   ',
      formatTemplateRecord(third),
    ];
    const inputFile = join(folder, 'input.jsonl');
    writeFileSync(inputFile, `${lines.join('\n')}\n`);

    const result = await runCli('import-templates', [inputFile], sqliteEnv('target.db'));
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      'line 3: rejected: the line is not valid JSON: it ends before the JSON value is complete.',
      'line 4: rejected: containers must have at least 1 item(s).',
      `line 6: rejected: id "${first.id}" is already taken by another template.`,
      'line 7: rejected: name "second" is already used by another template in project "proj-a".',
      `Imported 3 templates from ${inputFile} into sqlite:${join(folder, 'target.db')}; rejected 4 lines.`,
      '',
    ]);

    const store = await openStore('target.db');
    expectSameTemplates(await readAll(store), [first, second, third]);
  });

  it('import reads standard input with - or no file', async () => {
    const template = sampleTemplate(3);
    for (const args of [['-'], []]) {
      const file = `stdin-${args.length}.db`;
      const result = await runCli('import-templates', args, sqliteEnv(file), `${formatTemplateRecord(template)}\n`);
      expect(result.stderr).toBe(`Imported 1 template from standard input into sqlite:${join(folder, file)}; rejected 0 lines.\n`);
      expect(result.code).toBe(0);
      expectSameTemplates(await readAll(await openStore(file)), [template]);
    }
  });

  it('import handles a byte order mark, CRLF and invalid UTF-8', async () => {
    const templates = [sampleTemplate(1), sampleTemplate(2), sampleTemplate(4)];
    const input = Buffer.concat([
      Buffer.from(`\uFEFF${formatTemplateRecord(templates[0]!)}\r\n`),
      Buffer.from('{"id": "wf-tmpl-x", "name": "'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}\r\n'),
      Buffer.from(`${formatTemplateRecord(templates[1]!)}\r\n`),
      // The last line has no line break.
      Buffer.from(formatTemplateRecord(templates[2]!)),
    ]);

    const result = await runCli('import-templates', [], sqliteEnv('target.db'), input);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('line 2: rejected: the line is not valid UTF-8.\n');
    expect(result.stderr).toContain('Imported 3 templates from standard input');
    expect(result.stderr).toContain('rejected 1 line.');
    expectSameTemplates(await readAll(await openStore('target.db')), templates);
  });

  it('import of an empty input succeeds', async () => {
    const result = await runCli('import-templates', [], sqliteEnv('target.db'), '\n\n');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`Imported 0 templates from standard input into sqlite:${join(folder, 'target.db')}; rejected 0 lines.\n`);
  });

  it('import of a missing file is fatal', async () => {
    const missing = join(folder, 'missing.jsonl');
    const result = await runCli('import-templates', [missing], sqliteEnv('target.db'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^import-templates: Cannot read ${missing}: ENOENT`));
    expect(existsSync(join(folder, 'target.db'))).toBe(false);
  });

  it('import of a folder is fatal', async () => {
    const result = await runCli('import-templates', [folder], sqliteEnv('target.db'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot read ${folder}: EISDIR`);
  });

  it.each(['export-templates', 'import-templates'] as const)('%s shows an invalid configuration', async (script) => {
    const result = await runCli(script, [], { DATABASE_URL: 'mysql://localhost/db' }, '');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${script}: Invalid configuration:\n  - DATABASE_URL is invalid`);
  });

  it.each(['export-templates', 'import-templates'] as const)('%s hides the password of an unreachable store', async (script) => {
    const port = await closedPort();
    const env = { DATABASE_URL: `postgres://admin:s3cret-pw@127.0.0.1:${port}/db`, PG_CONNECTION_TIMEOUT_MS: '2000' };
    const result = await runCli(script, [], env, '');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Cannot open the store postgres://admin:***@127.0.0.1:${port}/db`);
    expect(result.stderr).not.toContain('s3cret-pw');
  });

  it.each(['export-templates', 'import-templates'] as const)('%s rejects an unknown option', async (script) => {
    const result = await runCli(script, ['--force'], sqliteEnv('target.db'), '');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unknown option '--force'");
    expect(result.stderr).toContain('Usage: npm run');
  });

  it.each(['export-templates', 'import-templates'] as const)('%s prints its usage', async (script) => {
    const result = await runCli(script, ['--help'], sqliteEnv('target.db'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run/);
  });
});

describe('store scan', () => {
  const kinds = POSTGRES_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);

  it.each(kinds)('%s pages by id', async (kind) => {
    const folder = mkdtempSync(join(tmpdir(), 'job-templates-scan-'));
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const { store } =
      kind === 'sqlite'
        ? await openSqliteStore({ path: join(folder, 'scan.db'), busyTimeoutMs: 5000, synchronous: 'normal' })
        : await openPostgresStore({ url: POSTGRES_URL!, schema, poolSize: 2, statementTimeoutMs: 10_000, connectionTimeoutMs: 5000 });
    try {
      const ids = ['b-2', 'a', 'b', 'b-1', 'a-1', '0', 'c'];
      for (const [index, id] of ids.entries()) {
        await store.create(storedTemplate({ name: `n${index}`, scope: 'global', containers: [{ name: 'main', image: 'busybox' }] }, { id }));
      }
      const sorted = [...ids].sort();

      const first = await store.scan!(undefined, 3);
      expect(first.map((template) => template.id)).toEqual(sorted.slice(0, 3));
      const second = await store.scan!(first[2]?.id, 3);
      expect(second.map((template) => template.id)).toEqual(sorted.slice(3, 6));
      const last = await store.scan!(second[2]?.id, 3);
      expect(last.map((template) => template.id)).toEqual(sorted.slice(6));
      expect(await store.scan!('c', 3)).toEqual([]);
      expect(await store.scan!('zzz', 3)).toEqual([]);
    } finally {
      await store.close();
      rmSync(folder, { recursive: true, force: true });
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    }
  });
});

describe('store description', () => {
  it('hides a password in the user part', () => {
    expect(redactDatabaseUrl('postgres://app:pw@db.internal:5432/templates')).toBe('postgres://app:***@db.internal:5432/templates');
  });

  it('hides a password in the query', () => {
    expect(redactDatabaseUrl('postgres://app@db/templates?sslmode=require&password=pw')).toBe(
      'postgres://app@db/templates?sslmode=require&password=***',
    );
  });

  it('keeps a URL without password', () => {
    expect(redactDatabaseUrl('postgres://app@db/templates')).toBe('postgres://app@db/templates');
  });

  it('hides an unparsable URL', () => {
    expect(redactDatabaseUrl('postgres://app:pw@[bad')).not.toContain('pw');
  });

  it('names the PostgreSQL schema', () => {
    expect(
      describeStore({ kind: 'postgres', url: 'postgres://app:pw@db/t', schema: 'tenant_a', poolSize: 1, statementTimeoutMs: 1, connectionTimeoutMs: 1 }),
    ).toBe('postgres://app:***@db/t (schema tenant_a)');
  });
});

describe.runIf(POSTGRES_URL)('export from SQLite and import into PostgreSQL', () => {
  const url = POSTGRES_URL!;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let folder: string;
  let sqlite: TemplateStore;
  let postgres: TemplateStore | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-cli-pg-'));
    ({ store: sqlite } = await openSqliteStore({ path: join(folder, 'source.db'), busyTimeoutMs: 5000, synchronous: 'normal' }));
  });
  afterAll(async () => {
    await sqlite.close();
    await postgres?.close();
    rmSync(folder, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  });

  it('copies the real templates field by field', async () => {
    const files = readdirSync(FIXTURE_FOLDER)
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(28);
    const created = files.map((file, index) => {
      const body = JSON.parse(readFileSync(new URL(file, FIXTURE_FOLDER), 'utf8')) as Record<string, unknown>;
      const createdAt = new Date(Date.UTC(2024, 4, 1, 12) + index * 61_001);
      return storedTemplate(body, {
        created_by: `creator-${index}`,
        updated_by: `editor-${index % 3}`,
        created_at: createdAt.toISOString(),
        updated_at: new Date(createdAt.getTime() + index * 1_234_567).toISOString(),
        revision: 1 + (index % 4),
      });
    });
    for (const template of created) {
      await sqlite.create(template);
    }
    const exportFile = join(folder, 'real.jsonl');
    const postgresEnv = { DATABASE_URL: url, PG_SCHEMA: schema };

    const exported = await runCli('export-templates', ['--output', exportFile], { DATABASE_URL: `sqlite:${join(folder, 'source.db')}` });
    expect(exported.stderr).toContain(`Exported ${files.length} templates from sqlite:`);
    expect(exported.code).toBe(0);

    const imported = await runCli('import-templates', [exportFile], postgresEnv);
    expect(imported.stderr).toContain(`Imported ${files.length} templates from ${exportFile} into `);
    expect(imported.stderr).toContain(`(schema ${schema}); rejected 0 lines.`);
    expect(imported.code).toBe(0);

    ({ store: postgres } = await openPostgresStore({ url, schema, poolSize: 2, statementTimeoutMs: 10_000, connectionTimeoutMs: 5000 }));
    const fromSqlite = await readAll(sqlite);
    expectSameTemplates(fromSqlite, created);
    expectSameTemplates(await readAll(postgres), fromSqlite);

    // PostgreSQL's jsonb reorders object keys, so its export is compared as parsed records.
    const reexported = await runCli('export-templates', [], postgresEnv);
    expect(reexported.code).toBe(0);
    const parseLines = (text: string) =>
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown);
    expect(parseLines(reexported.stdout)).toEqual(parseLines(readFileSync(exportFile, 'utf8')));

    const again = await runCli('import-templates', [exportFile], postgresEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`rejected ${files.length} lines.`);
    const firstId = [...created].sort(compareIds)[0]?.id;
    expect(again.stderr).toContain(`line 1: rejected: id "${firstId}" is already taken`);
    expectSameTemplates(await readAll(postgres), fromSqlite);
  }, 60_000);
});
