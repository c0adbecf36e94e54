/** Arguments, streams, exit codes and fatal-error handling shared by the command-line tools. */
import { realpathSync } from 'node:fs';
import { extname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config.js';

/** Exit code of a run that stopped on a fatal error: bad usage, bad configuration, unreadable input or an unusable store. */
export const EXIT_FATAL = 1;

/** A fatal error whose message is written for the user as it is, without a stack trace. */
export class CommandError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CommandError';
  }
}

/** The arguments, environment and standard streams of one command run: the process's own, or a test's. */
export interface CommandIo {
  /** Arguments after the script path, as in `process.argv.slice(2)`. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** A command's entry point: runs it with `io` and returns its exit code, with fatal errors already reported. */
export type CommandRunner = (io: CommandIo) => Promise<number>;

/** Returns an error's message, or the thrown value as text when it is not an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Writes a fatal error to `stderr`, prefixed with the command name:
 * configuration and command errors by message, anything else with its stack.
 */
export function reportFatalError(name: string, error: unknown, stderr: Writable): void {
  if (error instanceof ConfigError) {
    stderr.write(`${name}: ${error.message}\nFix the variables above and run the command again.\n`);
  } else if (error instanceof CommandError) {
    stderr.write(`${name}: ${error.message}\n`);
  } else {
    const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
    stderr.write(`${name}: failed: ${details}\n`);
  }
}

/**
 * Runs a command's main function and returns its exit code. A fatal error is
 * reported on `stderr` by {@link reportFatalError} and returns {@link EXIT_FATAL}.
 */
export async function runCommand(name: string, stderr: Writable, main: () => Promise<number>): Promise<number> {
  try {
    return await main();
  } catch (error) {
    reportFatalError(name, error, stderr);
    return EXIT_FATAL;
  }
}

/** Returns the process's arguments, environment and standard streams. */
export function processIo(): CommandIo {
  return {
    argv: process.argv.slice(2),
    env: process.env,
    // A getter, so that a command that never reads standard input does not create process.stdin.
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
  };
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function withoutExtension(path: string): string {
  return path.slice(0, path.length - extname(path).length);
}

/**
 * Returns whether the module at `moduleUrl` is the script that Node started, as
 * `node --import tsx FILE` and `tsx FILE` do, rather than a module imported by
 * another one such as a test. Symbolic links are resolved, because Node's
 * `import.meta.url` names the real file while `process.argv[1]` keeps the link.
 * tsx 4.23 also runs a `.ts` script given without its extension or as `.js`.
 * Such a path does not exist, so it matches when both paths agree without
 * their extensions.
 */
export function isMainModule(moduleUrl: string, scriptPath: string | undefined = process.argv[1]): boolean {
  if (scriptPath === undefined || scriptPath === '') {
    return false;
  }
  const modulePath = fileURLToPath(moduleUrl);
  const realScriptPath = realPath(scriptPath);
  if (realScriptPath === undefined) {
    return withoutExtension(scriptPath) === withoutExtension(modulePath);
  }
  return realScriptPath === realPath(modulePath);
}

/**
 * Runs `runner` with the process's arguments and streams, and sets the process
 * exit code to its result, but only when `moduleUrl` is the script that Node
 * started (see {@link isMainModule}). The process ends by itself once its
 * streams drain, so output is never cut.
 */
export function runIfMainModule(moduleUrl: string, runner: CommandRunner): void {
  if (!isMainModule(moduleUrl)) {
    return;
  }
  runner(processIo()).then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      // The runner reports fatal errors itself, so this only catches a failure of that report.
      process.stderr.write(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT_FATAL;
    },
  );
}
