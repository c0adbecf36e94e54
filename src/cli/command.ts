/** Exit codes and fatal-error handling shared by the command-line tools. */
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

/** Returns an error's message, or the thrown value as text when it is not an Error. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a command's main function and sets the exit code to its result. A
 * fatal error is reported on standard error and exits with {@link EXIT_FATAL}:
 * configuration and command errors by message, anything else with its stack.
 * The process ends by itself once its streams drain, so output is never cut.
 */
export function runCommand(name: string, main: () => Promise<number>): void {
  main().then(
    (exitCode) => {
      process.exitCode = exitCode;
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${name}: ${error.message}\nFix the variables above and run the command again.\n`);
      } else if (error instanceof CommandError) {
        process.stderr.write(`${name}: ${error.message}\n`);
      } else {
        const details = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.stderr.write(`${name}: failed: ${details}\n`);
      }
      process.exitCode = EXIT_FATAL;
    },
  );
}
