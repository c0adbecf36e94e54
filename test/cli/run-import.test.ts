/**
 * The import command run in the test process through runImport, against
 * SQLite files. Store failures that a real database cannot produce on demand
 * come from a fake store. `openStore` returns it for the one call after a test
 * sets it up, and opens the real store otherwise.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runImport } from '../../src/cli/import-templates.js';
import { formatTemplateRecord } from '../../src/domain/template-record.js';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { StoredTemplate, TemplateStore } from '../../src/store/template-store.js';
import { collectingStream, runInProcess } from './command-io.js';
import { expectSameTemplates, readAll, sampleTemplate, storedTemplate } from './templates.js';

vi.mock('../../src/store/open-store.js', { spy: true });

const USAGE_START = 'Usage: npm run import -- [FILE]\n';

/** Returns a readable stream that delivers `input` as one chunk. */
function inputStream(input: string | Buffer): Readable {
  return Readable.from([Buffer.from(input)]);
}

describe('runImport', () => {
  let folder: string;
  let databasePath: string;
  let env: Record<string, string>;
  let summarySuffix: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-run-import-'));
    databasePath = join(folder, 'target.db');
    env = { DATABASE_URL: `sqlite:${databasePath}`, SQLITE_SYNCHRONOUS: 'normal' };
    summarySuffix = `into sqlite:${databasePath}`;
  });
  afterEach(() => {
    vi.mocked(openStore).mockReset();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Opens the SQLite file that `env` names, runs `use` on it and closes it again. */
  async function withTargetStore<T>(use: (store: TemplateStore) => Promise<T>): Promise<T> {
    const { store } = await openSqliteStore({ path: databasePath, busyTimeoutMs: 5000, synchronous: 'normal' });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  }

  async function storedTemplates(): Promise<StoredTemplate[]> {
    return withTargetStore(readAll);
  }

  /** Makes the next `openStore` call return a store with only `methods`, and returns its close function. */
  function useFakeStore(methods: Partial<TemplateStore>): ReturnType<typeof vi.fn> {
    const close = vi.fn(async () => {});
    const store = { kind: 'fake', close, ...methods } as Partial<TemplateStore> as TemplateStore;
    vi.mocked(openStore).mockResolvedValueOnce({ store, migrations: { applied: [] } });
    return close;
  }

  describe('arguments', () => {
    it.each([['--help'], ['-h']])('%s prints the usage', async (option) => {
      const stdin = inputStream('');
      const result = await runInProcess(runImport, [option], env, { stdin });
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith(USAGE_START)).toBe(true);
      expect(result.stdout).toContain('line N: rejected: <reason>');
      expect(result.stderr).toBe('');
      expect(openStore).not.toHaveBeenCalled();
      expect(stdin.readableDidRead).toBe(false);
    });

    it('rejects an unknown option', async () => {
      const result = await runInProcess(runImport, ['--force'], env);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith("import-templates: Unknown option '--force'")).toBe(true);
      expect(result.stderr).toContain(`\n\n${USAGE_START}`);
      expect(result.stdout).toBe('');
      expect(openStore).not.toHaveBeenCalled();
    });

    it('rejects two input files', async () => {
      const result = await runInProcess(runImport, ['a.jsonl', 'b.jsonl'], env);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith(`import-templates: Expected at most one input file, got 2.\n\n${USAGE_START}`)).toBe(true);
      expect(openStore).not.toHaveBeenCalled();
    });
  });

  describe('configuration, input and store', () => {
    it('checks configuration before the input', async () => {
      const result = await runInProcess(runImport, [join(folder, 'missing.jsonl')], { DATABASE_URL: 'mysql://localhost/db' });
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith('import-templates: Invalid configuration:\n  - DATABASE_URL is invalid')).toBe(true);
      expect(result.stderr.endsWith('\nFix the variables above and run the command again.\n')).toBe(true);
      expect(openStore).not.toHaveBeenCalled();
    });

    it('reports a missing file without opening the store', async () => {
      const missing = join(folder, 'missing.jsonl');
      const result = await runInProcess(runImport, [missing], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^import-templates: Cannot read ${missing}: ENOENT`));
      expect(openStore).not.toHaveBeenCalled();
      expect(existsSync(databasePath)).toBe(false);
    });

    it('closes the input when the store fails', async () => {
      const blocker = join(folder, 'not-a-folder');
      writeFileSync(blocker, '');
      // openSqliteStore creates missing folders, which fails where a file has the folder's name.
      const path = join(blocker, 'store.db');
      const stdin = inputStream(`${formatTemplateRecord(sampleTemplate(1))}\n`);

      const result = await runInProcess(runImport, [], { DATABASE_URL: `sqlite:${path}` }, { stdin });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^import-templates: Cannot open the store sqlite:${path}: EEXIST`));
      expect(stdin.destroyed).toBe(true);
    });

    it('warns about a failed idle PostgreSQL connection', async () => {
      const close = vi.fn(async () => {});
      const store = { kind: 'fake', close } as Partial<TemplateStore> as TemplateStore;
      vi.mocked(openStore).mockImplementationOnce(async (_config, onConnectionError) => {
        onConnectionError(new Error('Connection terminated unexpectedly'));
        return { store, migrations: { applied: [] } };
      });

      const result = await runInProcess(runImport, [], { DATABASE_URL: 'postgres://app:s3cret@db.invalid/templates', PG_SCHEMA: 'tenant_a' });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        'warning: an idle PostgreSQL connection failed (Connection terminated unexpectedly); the pool opens a new one.\n' +
          'Imported 0 templates from standard input into postgres://app:***@db.invalid/templates (schema tenant_a); rejected 0 lines.\n',
      );
      expect(close).toHaveBeenCalledOnce();
    });
  });

  describe('good and bad lines', () => {
    it('imports every line of a file', async () => {
      const templates = [sampleTemplate(1), sampleTemplate(2), sampleTemplate(7)];
      const inputFile = join(folder, 'input.jsonl');
      writeFileSync(inputFile, templates.map((template) => `${formatTemplateRecord(template)}\n`).join(''));

      const result = await runInProcess(runImport, [inputFile], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`Imported 3 templates from ${inputFile} ${summarySuffix}; rejected 0 lines.\n`);
      expectSameTemplates(await storedTemplates(), templates);
    });

    it.each([[['-']], [[]]])('reads standard input for arguments %j', async (argv) => {
      const template = sampleTemplate(3);
      const result = await runInProcess(runImport, argv, env, { stdin: inputStream(`${formatTemplateRecord(template)}\n`) });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`Imported 1 template from standard input ${summarySuffix}; rejected 0 lines.\n`);
      expectSameTemplates(await storedTemplates(), [template]);
    });

    it('reports bad lines, keeps good ones', async () => {
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
        formatTemplateRecord({ ...second, id: 'wf-tmpl-same-global-name', name: 'third', scope: 'global', project_id: null }),
        '   ',
        formatTemplateRecord(third),
        'not json',
      ];

      const result = await runInProcess(runImport, [], env, { stdin: inputStream(`${lines.join('\n')}\n`) });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')).toEqual([
        'line 3: rejected: the line is not valid JSON: it ends before the JSON value is complete.',
        'line 4: rejected: containers must have at least 1 item(s).',
        `line 6: rejected: id "${first.id}" is already taken by another template.`,
        'line 7: rejected: name "second" is already used by another template in project "proj-a".',
        'line 10: rejected: name "third" is already used by another template in the global scope.',
        'line 11: rejected: the line is not valid JSON.',
        `Imported 3 templates from standard input ${summarySuffix}; rejected 6 lines.`,
        '',
      ]);
      expectSameTemplates(await storedTemplates(), [first, second, { ...second, id: 'wf-tmpl-same-global-name', name: 'third', scope: 'global', project_id: null }]);
    });

    it('never changes an existing template', async () => {
      const existing = sampleTemplate(1);
      await withTargetStore((store) => store.create(existing));
      const changed = { ...existing, name: 'renamed', description: 'changed', revision: existing.revision + 1 };

      const result = await runInProcess(runImport, [], env, { stdin: inputStream(`${formatTemplateRecord(changed)}\n`) });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `line 1: rejected: id "${existing.id}" is already taken by another template.\n` +
          `Imported 0 templates from standard input ${summarySuffix}; rejected 1 line.\n`,
      );
      expectSameTemplates(await storedTemplates(), [existing]);
    });

    it.each([
      ['no bytes', ''],
      ['blank lines', '\n  \n\t\r\n'],
    ])('imports nothing from %s', async (_case, input) => {
      const result = await runInProcess(runImport, [], env, { stdin: inputStream(input) });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(`Imported 0 templates from standard input ${summarySuffix}; rejected 0 lines.\n`);
      expect(await storedTemplates()).toEqual([]);
    });

    it('handles a byte order mark, CRLF and invalid UTF-8', async () => {
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

      const result = await runInProcess(runImport, [], env, { stdin: inputStream(input) });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'line 2: rejected: the line is not valid UTF-8.\n' + `Imported 3 templates from standard input ${summarySuffix}; rejected 1 line.\n`,
      );
      expectSameTemplates(await storedTemplates(), templates);
    });
  });

  describe('failures during the import', () => {
    it('stops on an unreadable file', async () => {
      const result = await runInProcess(runImport, [folder], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^import-templates: Cannot read ${folder}: EISDIR`));
      expect(result.stderr.endsWith('\nStopped: 0 templates imported before the failure, 0 lines rejected.\n')).toBe(true);
    });

    it('stops on a standard input failure', async () => {
      const template = sampleTemplate(5);
      const stdin = Readable.from(
        (async function* () {
          yield Buffer.from(`${formatTemplateRecord(template)}\nnot json\n`);
          throw new Error('read ECONNRESET');
        })(),
      );

      const result = await runInProcess(runImport, [], env, { stdin });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'line 2: rejected: the line is not valid JSON.\n' +
          'import-templates: Cannot read standard input: read ECONNRESET\n' +
          'Stopped: 1 template imported before the failure, 1 line rejected.\n',
      );
      expect(stdin.destroyed).toBe(true);
      expectSameTemplates(await storedTemplates(), [template]);
    });

    it('stops when the store fails to insert', async () => {
      const template = sampleTemplate(6);
      const close = useFakeStore({
        create: async () => {
          throw new Error('SQLITE_IOERR: disk I/O error');
        },
      });

      const result = await runInProcess(runImport, [], env, { stdin: inputStream(`${formatTemplateRecord(template)}\n`) });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `import-templates: line 1: inserting template "${template.id}" failed: SQLITE_IOERR: disk I/O error\n` +
          'Stopped: 0 templates imported before the failure, 0 lines rejected.\n',
      );
      expect(close).toHaveBeenCalledOnce();
    });

    it('stops on an unexpected error', async () => {
      // Writing a rejection to standard error is the one step outside the reader and the store that can throw.
      const stderr = collectingStream();
      const write = stderr.stream.write.bind(stderr.stream);
      stderr.stream.write = ((chunk: unknown, ...rest: never[]) => {
        if (String(chunk).startsWith('line ')) {
          throw new Error('standard error is closed');
        }
        return write(chunk, ...rest);
      }) as typeof stderr.stream.write;

      const result = await runInProcess(runImport, [], env, { stdin: inputStream('not json\n'), stderr: stderr.stream });
      await new Promise((resolve) => setImmediate(resolve));
      expect(result.code).toBe(1);
      expect(stderr.text()).toBe(
        `import-templates: Import into sqlite:${databasePath} failed: standard error is closed\n` +
          'Stopped: 0 templates imported before the failure, 1 line rejected.\n',
      );
    });
  });
});
