/**
 * Inserts templates from JSON Lines, as the export command writes them, into
 * the configured store, keeping their ids, timestamps, authors and revisions.
 *
 *   npm run import -- [FILE]
 */
import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { parseTemplateRecord } from '../domain/template-record.js';
import { IdConflictError, NameConflictError, type StoredTemplate, type TemplateStore } from '../store/template-store.js';
import { CommandError, errorMessage, EXIT_FATAL, runCommand, runIfMainModule, type CommandIo } from './command.js';
import { loadStoreConfig, openConfiguredStore } from './configured-store.js';
import { MAX_LINE_BYTES, readLines } from './json-lines.js';

const COMMAND = 'import-templates';

/** Exit code when the import finished but rejected at least one line. */
const EXIT_LINES_REJECTED = 2;

const USAGE = `Usage: npm run import -- [FILE]

Reads JSON Lines from FILE, or from standard input when FILE is missing or
"-", and inserts each line as one job template into the configured store,
keeping its id, created_at, updated_at, created_by, updated_by and revision
(1 when missing). The store is chosen by DATABASE_URL (sqlite:<path> or
postgres://...) and PG_SCHEMA, as for the service.

A line that is invalid, or whose id or name is already taken, is reported on
standard error as "line N: rejected: <reason>" and skipped. Blank lines are
ignored. Existing templates are never changed.

Options:
  -h, --help  show this help

Exit codes: 0 when every line was imported, 2 when some lines were rejected,
1 on a fatal error (unreadable input, unusable store, invalid configuration).
`;

/** An input stream and its name for messages. */
interface Input {
  readonly stream: Readable;
  readonly name: string;
}

async function openInput(path: string | undefined, stdin: Readable): Promise<Input> {
  if (path === undefined || path === '-') {
    return { stream: stdin, name: 'standard input' };
  }
  try {
    const handle = await open(path, 'r');
    return { stream: handle.createReadStream(), name: path };
  } catch (error) {
    throw new CommandError(`Cannot read ${path}: ${errorMessage(error)}`, { cause: error });
  }
}

function scopeText(template: StoredTemplate): string {
  return template.project_id === null ? 'the global scope' : `project ${JSON.stringify(template.project_id)}`;
}

/**
 * Inserts one template. Returns the rejection reason when its id or name is
 * taken; raises {@link CommandError} on any other store failure, because the
 * store itself is then likely unusable.
 */
async function insert(store: TemplateStore, template: StoredTemplate, lineNumber: number): Promise<string | undefined> {
  try {
    await store.create(template);
    return undefined;
  } catch (error) {
    if (error instanceof IdConflictError) {
      return `id ${JSON.stringify(template.id)} is already taken by another template.`;
    }
    if (error instanceof NameConflictError) {
      return `name ${JSON.stringify(template.name)} is already used by another template in ${scopeText(template)}.`;
    }
    throw new CommandError(`line ${lineNumber}: inserting template ${JSON.stringify(template.id)} failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

interface ImportCounts {
  imported: number;
  rejected: number;
}

async function importLines(input: Input, store: TemplateStore, counts: ImportCounts, stderr: Writable): Promise<void> {
  const reject = (lineNumber: number, reason: string) => {
    counts.rejected += 1;
    stderr.write(`line ${lineNumber}: rejected: ${reason}\n`);
  };
  for await (const line of readLines(input.stream, input.name)) {
    if (line.tooLong === true) {
      reject(line.number, `the line is longer than ${MAX_LINE_BYTES} bytes.`);
      continue;
    }
    if (line.text === undefined) {
      reject(line.number, 'the line is not valid UTF-8.');
      continue;
    }
    if (line.text.trim() === '') {
      continue;
    }
    const record = parseTemplateRecord(line.text);
    if (!record.ok) {
      reject(line.number, record.reason);
      continue;
    }
    const conflict = await insert(store, record.template, line.number);
    if (conflict === undefined) {
      counts.imported += 1;
    } else {
      reject(line.number, conflict);
    }
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

async function importTemplates(io: CommandIo): Promise<number> {
  let positionals: string[];
  let help: boolean | undefined;
  try {
    const parsed = parseArgs({ args: [...io.argv], options: { help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
    positionals = parsed.positionals;
    help = parsed.values.help;
  } catch (error) {
    throw new CommandError(`${errorMessage(error)}\n\n${USAGE}`);
  }
  if (help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    throw new CommandError(`Expected at most one input file, got ${positionals.length}.\n\n${USAGE}`);
  }

  const storeConfig = loadStoreConfig(io.env);
  const input = await openInput(positionals[0], io.stdin);
  const counts: ImportCounts = { imported: 0, rejected: 0 };
  let store: TemplateStore;
  let description: string;
  try {
    ({ store, description } = await openConfiguredStore(storeConfig, io.stderr));
  } catch (error) {
    input.stream.destroy();
    throw error;
  }
  try {
    await importLines(input, store, counts, io.stderr);
  } catch (error) {
    input.stream.destroy();
    const message = error instanceof CommandError ? error.message : `Import into ${description} failed: ${errorMessage(error)}`;
    io.stderr.write(
      `${COMMAND}: ${message}\nStopped: ${plural(counts.imported, 'template')} imported before the failure, ${plural(counts.rejected, 'line')} rejected.\n`,
    );
    return EXIT_FATAL;
  } finally {
    await store.close();
  }

  io.stderr.write(
    `Imported ${plural(counts.imported, 'template')} from ${input.name} into ${description}; rejected ${plural(counts.rejected, 'line')}.\n`,
  );
  return counts.rejected === 0 ? 0 : EXIT_LINES_REJECTED;
}

/**
 * Runs the import with `io`'s arguments, environment and streams, and returns
 * the exit code: 0 when every line was imported, 2 when some were rejected, or
 * 1 after a fatal error, which is reported on `io.stderr`. A fatal error
 * destroys the input stream, which is `io.stdin` when no file was given.
 */
export function runImport(io: CommandIo): Promise<number> {
  return runCommand(COMMAND, io.stderr, () => importTemplates(io));
}

runIfMainModule(import.meta.url, runImport);
