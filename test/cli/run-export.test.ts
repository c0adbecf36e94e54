/**
 * The export command run in the test process through runExport, against
 * SQLite files. Store and file-system failures that a real database or disk
 * cannot produce on demand come from test doubles. `openStore` can return a
 * fake store, and `open` a file handle whose writes fail, each for the one call
 * after a test sets it up. Otherwise both call the real functions.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runExport } from '../../src/cli/export-templates.js';
import { formatTemplateRecord } from '../../src/domain/template-record.js';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { StoredTemplate, TemplateStore } from '../../src/store/template-store.js';
import { collectingStream, runInProcess } from './command-io.js';
import { compareIds, sampleTemplate } from './templates.js';

vi.mock('node:fs/promises', { spy: true });
vi.mock('../../src/store/open-store.js', { spy: true });

const USAGE_START = 'Usage: npm run --silent export -- [--output FILE]\n';

describe('runExport', () => {
  let folder: string;
  let databasePath: string;
  let env: Record<string, string>;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-run-export-'));
    databasePath = join(folder, 'source.db');
    env = { DATABASE_URL: `sqlite:${databasePath}`, SQLITE_SYNCHRONOUS: 'normal' };
  });
  afterEach(() => {
    vi.mocked(openStore).mockReset();
    vi.mocked(fsPromises.open).mockReset();
    rmSync(folder, { recursive: true, force: true });
  });

  /** Creates `templates` in the SQLite file that `env` names, and closes the store again. */
  async function createTemplates(templates: readonly StoredTemplate[]): Promise<void> {
    const { store } = await openSqliteStore({ path: databasePath, busyTimeoutMs: 5000, synchronous: 'normal' });
    try {
      for (const template of templates) {
        await store.create(template);
      }
    } finally {
      await store.close();
    }
  }

  /** Makes the next `openStore` call return a store with only `methods`, and returns its close function. */
  function useFakeStore(methods: Partial<TemplateStore>): ReturnType<typeof vi.fn> {
    const close = vi.fn(async () => {});
    const store = { kind: 'fake', close, ...methods } as Partial<TemplateStore> as TemplateStore;
    vi.mocked(openStore).mockResolvedValueOnce({ store, migrations: { applied: [] } });
    return close;
  }

  /** Lists the temporary files that a failed export could leave next to its output. */
  function temporaryFiles(): string[] {
    return readdirSync(folder).filter((file) => file.endsWith('.tmp'));
  }

  function expectedLines(templates: readonly StoredTemplate[]): string {
    return [...templates]
      .sort(compareIds)
      .map((template) => `${formatTemplateRecord(template)}\n`)
      .join('');
  }

  describe('arguments', () => {
    it.each([['--help'], ['-h']])('%s prints the usage', async (option) => {
      const result = await runInProcess(runExport, [option], env);
      expect(result.code).toBe(0);
      expect(result.stdout.startsWith(USAGE_START)).toBe(true);
      expect(result.stdout).toContain('-o, --output FILE');
      expect(result.stderr).toBe('');
      expect(openStore).not.toHaveBeenCalled();
    });

    it('rejects an unknown option', async () => {
      const result = await runInProcess(runExport, ['--force'], env);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith("export-templates: Unknown option '--force'")).toBe(true);
      expect(result.stderr).toContain(`\n\n${USAGE_START}`);
      expect(result.stdout).toBe('');
      expect(openStore).not.toHaveBeenCalled();
    });

    it('rejects a positional argument', async () => {
      const result = await runInProcess(runExport, ['out.jsonl'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Unexpected argument 'out.jsonl'");
      expect(result.stderr).toContain(USAGE_START);
    });

    it('rejects --output without a value', async () => {
      const result = await runInProcess(runExport, ['--output'], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Option '-o, --output <value>' argument missing");
    });

    it.each([['--output', ''], ['--output=']])('rejects an empty file name in %j', async (...argv) => {
      const result = await runInProcess(runExport, argv, env);
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith(`export-templates: --output needs a file name.\n\n${USAGE_START}`)).toBe(true);
      expect(openStore).not.toHaveBeenCalled();
    });
  });

  describe('configuration and store', () => {
    it('shows an invalid configuration', async () => {
      const result = await runInProcess(runExport, [], { DATABASE_URL: 'mysql://localhost/db', SQLITE_SYNCHRONOUS: 'sometimes' });
      expect(result.code).toBe(1);
      expect(result.stderr.startsWith('export-templates: Invalid configuration:\n  - SQLITE_SYNCHRONOUS="sometimes" is invalid')).toBe(true);
      expect(result.stderr).toContain('\n  - DATABASE_URL is invalid: it must start with "sqlite:"');
      expect(result.stderr.endsWith('\nFix the variables above and run the command again.\n')).toBe(true);
      expect(openStore).not.toHaveBeenCalled();
    });

    it('reports a store that cannot be opened', async () => {
      const blocker = join(folder, 'not-a-folder');
      writeFileSync(blocker, '');
      // openSqliteStore creates missing folders, which fails where a file has the folder's name.
      const path = join(blocker, 'store.db');
      const result = await runInProcess(runExport, [], { DATABASE_URL: `sqlite:${path}` });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^export-templates: Cannot open the store sqlite:${path}: EEXIST`));
      expect(result.stdout).toBe('');
    });

    it('reports a store without scan', async () => {
      const close = useFakeStore({});
      const result = await runInProcess(runExport, [], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('export-templates: The fake store cannot list all templates, so it cannot be exported.\n');
      expect(close).toHaveBeenCalledOnce();
    });

    it('keeps the old file on scan failure', async () => {
      const close = useFakeStore({
        scan: async () => {
          throw new Error('database disk image is malformed');
        },
      });
      const exportFile = join(folder, 'out.jsonl');
      writeFileSync(exportFile, 'old content\n');

      const result = await runInProcess(runExport, ['-o', exportFile], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`export-templates: Export from sqlite:${databasePath} failed: database disk image is malformed\n`);
      expect(readFileSync(exportFile, 'utf8')).toBe('old content\n');
      expect(temporaryFiles()).toEqual([]);
      expect(close).toHaveBeenCalledOnce();
    });

    it('warns about a failed idle PostgreSQL connection', async () => {
      const close = vi.fn(async () => {});
      const store = { kind: 'fake', close, scan: async () => [] } as Partial<TemplateStore> as TemplateStore;
      vi.mocked(openStore).mockImplementationOnce(async (_config, onConnectionError) => {
        onConnectionError(new Error('Connection terminated unexpectedly'));
        return { store, migrations: { applied: [] } };
      });

      const result = await runInProcess(runExport, [], { DATABASE_URL: 'postgres://app:s3cret@db.invalid/templates' });
      expect(result.code).toBe(0);
      expect(result.stderr).toBe(
        'warning: an idle PostgreSQL connection failed (Connection terminated unexpectedly); the pool opens a new one.\n' +
          'Exported 0 templates from postgres://app:***@db.invalid/templates.\n',
      );
      expect(close).toHaveBeenCalledOnce();
    });
  });

  describe('standard output', () => {
    it('writes every template ordered by id', async () => {
      const templates = [sampleTemplate(5), sampleTemplate(1), sampleTemplate(7)];
      await createTemplates(templates);

      const result = await runInProcess(runExport, [], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(expectedLines(templates));
      expect(result.stderr).toBe(`Exported 3 templates from sqlite:${databasePath}.\n`);
    });

    it('counts a single template in the singular', async () => {
      const template = sampleTemplate(2);
      await createTemplates([template]);

      const result = await runInProcess(runExport, [], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${formatTemplateRecord(template)}\n`);
      expect(result.stderr).toBe(`Exported 1 template from sqlite:${databasePath}.\n`);
    });

    it('writes nothing for an empty store', async () => {
      const result = await runInProcess(runExport, [], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`Exported 0 templates from sqlite:${databasePath}.\n`);
    });

    it('pages through more than one page of 1000', async () => {
      const templates = Array.from({ length: 1001 }, (_, index) => sampleTemplate(index));
      await createTemplates(templates);

      const result = await runInProcess(runExport, [], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(expectedLines(templates));
      expect(result.stderr).toBe(`Exported 1001 templates from sqlite:${databasePath}.\n`);
    });

    it('reports a failed write', async () => {
      await createTemplates([sampleTemplate(1)]);
      const stdout = new Writable({
        write(_chunk, _encoding, callback) {
          callback(new Error('write EPIPE'));
        },
      });

      const result = await runInProcess(runExport, [], env, { stdout });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('export-templates: Cannot write to standard output: write EPIPE\n');
    });

    it('reports an error event before the write', async () => {
      const stdout = collectingStream();
      const close = useFakeStore({
        scan: async () => {
          stdout.stream.emit('error', new Error('write EPIPE'));
          return [sampleTemplate(1)];
        },
      });

      const result = await runInProcess(runExport, [], env, { stdout: stdout.stream });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe('export-templates: Cannot write to standard output: write EPIPE\n');
      expect(stdout.text()).toBe('');
      expect(close).toHaveBeenCalledOnce();
    });
  });

  describe('output file', () => {
    it('replaces the file whole', async () => {
      const templates = [sampleTemplate(3), sampleTemplate(4)];
      await createTemplates(templates);
      const exportFile = join(folder, 'out.jsonl');
      writeFileSync(exportFile, 'old content\n'.repeat(100));

      const result = await runInProcess(runExport, ['--output', exportFile], env);
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`Exported 2 templates from sqlite:${databasePath} to ${exportFile}.\n`);
      expect(readFileSync(exportFile, 'utf8')).toBe(expectedLines(templates));
      expect(temporaryFiles()).toEqual([]);
    });

    it('creates an empty file for an empty store', async () => {
      const exportFile = join(folder, 'empty.jsonl');
      const result = await runInProcess(runExport, ['-o', exportFile], env);
      expect(result.code).toBe(0);
      expect(readFileSync(exportFile, 'utf8')).toBe('');
    });

    it('reports a missing folder', async () => {
      const exportFile = join(folder, 'missing', 'out.jsonl');
      const result = await runInProcess(runExport, ['-o', exportFile], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^export-templates: Cannot create the output file next to ${exportFile}: ENOENT`));
      expect(existsSync(join(folder, 'missing'))).toBe(false);
    });

    it('reports an output path that is a folder', async () => {
      await createTemplates([sampleTemplate(1)]);
      const target = join(folder, 'target');
      mkdirSync(target);

      const result = await runInProcess(runExport, ['-o', target], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^export-templates: Cannot finish writing ${target}: EISDIR`));
      expect(readdirSync(target)).toEqual([]);
      expect(temporaryFiles()).toEqual([]);
    });

    it('keeps the old file on write failure', async () => {
      await createTemplates([sampleTemplate(1)]);
      const exportFile = join(folder, 'out.jsonl');
      writeFileSync(exportFile, 'old content\n');
      const actual = await vi.importActual<typeof fsPromises>('node:fs/promises');
      vi.mocked(fsPromises.open).mockImplementationOnce(async (path, flags, mode) => {
        const handle = await actual.open(path, flags, mode);
        handle.writeFile = (async () => {
          throw new Error('ENOSPC: no space left on device, write');
        }) as typeof handle.writeFile;
        return handle;
      });

      const result = await runInProcess(runExport, ['-o', exportFile], env);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        new RegExp(`^export-templates: Cannot write to ${exportFile}\\.[0-9a-f]{8}\\.tmp: ENOSPC: no space left on device, write\\n$`),
      );
      expect(readFileSync(exportFile, 'utf8')).toBe('old content\n');
      expect(temporaryFiles()).toEqual([]);
    });
  });
});
