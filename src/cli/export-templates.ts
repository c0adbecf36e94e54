/**
 * Writes every template of the configured store as JSON Lines, one template
 * a line, to standard output or a file. The store comes from the same
 * environment variables as the service (DATABASE_URL, PG_SCHEMA and so on).
 *
 *   npm run --silent export -- [--output FILE]
 *
 * NOTE: only the current state of each template is exported. Its earlier
 * revisions, which the store keeps for the revision history, are not, so an
 * import starts each template's history at the exported revision.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { formatTemplateRecord } from '../domain/template-record.js';
import type { TemplateStore } from '../store/template-store.js';
import { CommandError, errorMessage, runCommand, runIfMainModule, type CommandIo } from './command.js';
import { loadStoreConfig, openConfiguredStore } from './configured-store.js';

const COMMAND = 'export-templates';

const USAGE = `Usage: npm run --silent export -- [--output FILE]

Writes every job template of the configured store as JSON Lines: one JSON
object a line with every field of the API's template representation plus
"revision", ordered by id. The store is chosen by DATABASE_URL (sqlite:<path>
or postgres://...) and PG_SCHEMA, as for the service. A summary goes to
standard error. Without --silent, npm writes its own header lines to standard
output before the templates.

Options:
  -o, --output FILE  write to FILE instead of standard output; FILE is
                     replaced only when the export succeeds
  -h, --help         show this help

Exit codes: 0 on success, 1 on a fatal error.
`;

/** Templates read from the store per scan call. */
const PAGE_SIZE = 1000;

/** A destination for the exported lines. */
interface Output {
  write(text: string): Promise<void>;
  /** Makes the written data final: flushes standard output, or syncs the file and moves it into place. */
  commit(): Promise<void>;
  /** Discards a partly written file; does nothing for standard output. */
  discard(): Promise<void>;
}

function standardOutput(stdout: Writable): Output {
  let failure: Error | undefined;
  // Without a listener, a closed pipe (EPIPE) would end the process with an unhandled 'error' event.
  stdout.on('error', (error) => {
    failure ??= error;
  });
  const write = (text: string) =>
    new Promise<void>((resolve, reject) => {
      if (failure !== undefined) {
        reject(new CommandError(`Cannot write to standard output: ${failure.message}`));
        return;
      }
      stdout.write(text, (error) => {
        if (error) {
          reject(new CommandError(`Cannot write to standard output: ${error.message}`));
        } else {
          resolve();
        }
      });
    });
  return { write, commit: () => write(''), discard: async () => {} };
}

/**
 * Opens a temporary file next to `path`, so that `path` keeps its old content
 * until the export has succeeded and the file is renamed over it.
 */
async function fileOutput(path: string): Promise<Output> {
  const temporaryPath = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  let handle: FileHandle;
  try {
    handle = await open(temporaryPath, 'wx');
  } catch (error) {
    throw new CommandError(`Cannot create the output file next to ${path}: ${errorMessage(error)}`, { cause: error });
  }
  let closed = false;
  const close = async () => {
    if (!closed) {
      closed = true;
      await handle.close();
    }
  };
  return {
    async write(text) {
      try {
        await handle.writeFile(text, 'utf8');
      } catch (error) {
        throw new CommandError(`Cannot write to ${temporaryPath}: ${errorMessage(error)}`, { cause: error });
      }
    },
    async commit() {
      try {
        await handle.sync();
        await close();
        await rename(temporaryPath, path);
      } catch (error) {
        throw new CommandError(`Cannot finish writing ${path}: ${errorMessage(error)}`, { cause: error });
      }
    },
    async discard() {
      await close().catch(() => {});
      await rm(temporaryPath, { force: true });
    },
  };
}

/**
 * Writes every template, paging by id. Each page is read on its own, so a
 * template created or deleted while the export runs may be missing from it or
 * included, and no template is written twice.
 */
async function exportAll(store: TemplateStore, output: Output): Promise<number> {
  if (store.scan === undefined) {
    throw new CommandError(`The ${store.kind} store cannot list all templates, so it cannot be exported.`);
  }
  let count = 0;
  let afterId: string | undefined;
  for (;;) {
    const page = await store.scan(afterId, PAGE_SIZE);
    if (page.length > 0) {
      await output.write(page.map((template) => `${formatTemplateRecord(template)}\n`).join(''));
      count += page.length;
      afterId = page[page.length - 1]?.id;
    }
    if (page.length < PAGE_SIZE) {
      return count;
    }
  }
}

async function exportTemplates(io: CommandIo): Promise<number> {
  let options: { output?: string | undefined; help?: boolean | undefined };
  try {
    ({ values: options } = parseArgs({
      args: [...io.argv],
      options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new CommandError(`${errorMessage(error)}\n\n${USAGE}`);
  }
  if (options.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (options.output === '') {
    throw new CommandError(`--output needs a file name.\n\n${USAGE}`);
  }

  const { store, description } = await openConfiguredStore(loadStoreConfig(io.env), io.stderr);
  let output: Output | undefined;
  try {
    output = options.output === undefined ? standardOutput(io.stdout) : await fileOutput(options.output);
    const count = await exportAll(store, output);
    await output.commit();
    const destination = options.output === undefined ? '' : ` to ${options.output}`;
    io.stderr.write(`Exported ${count} ${count === 1 ? 'template' : 'templates'} from ${description}${destination}.\n`);
    return 0;
  } catch (error) {
    await output?.discard();
    if (error instanceof CommandError) {
      throw error;
    }
    throw new CommandError(`Export from ${description} failed: ${errorMessage(error)}`, { cause: error });
  } finally {
    await store.close();
  }
}

/**
 * Runs the export with `io`'s arguments, environment and streams, and returns
 * the exit code. Fatal errors are reported on `io.stderr` and return 1.
 */
export function runExport(io: CommandIo): Promise<number> {
  return runCommand(COMMAND, io.stderr, () => exportTemplates(io));
}

runIfMainModule(import.meta.url, runExport);
