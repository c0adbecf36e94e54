/**
 * Release of everything the benchmark starts or creates (child processes,
 * temporary folders, PostgreSQL schemas), on normal exit, on errors and on
 * SIGINT or SIGTERM.
 */

interface Resource {
  readonly name: string;
  readonly release: () => Promise<void>;
  /** Best effort at process exit, when asynchronous work no longer runs. */
  readonly releaseAtExit?: () => void;
}

const resources: Resource[] = [];
let interrupted = false;
let interruptedAt = 0;

/**
 * Signals within this many milliseconds of the first count as the same one:
 * Ctrl-C reaches this process from the terminal and once more through the
 * tsx launcher, which forwards the signals it gets.
 */
const REPEATED_SIGNAL_WINDOW_MS = 1000;

/**
 * Registers a resource and returns a function that releases it once. Later
 * calls do nothing. Unreleased resources are released in reverse order by
 * {@link releaseAll}.
 */
export function track(name: string, release: () => Promise<void>, releaseAtExit?: () => void): () => Promise<void> {
  let released: Promise<void> | undefined;
  const resource: Resource = {
    name,
    release: () => {
      released ??= (async () => {
        const index = resources.indexOf(resource);
        if (index >= 0) {
          resources.splice(index, 1);
        }
        await release();
      })();
      return released;
    },
    ...(releaseAtExit === undefined ? {} : { releaseAtExit }),
  };
  resources.push(resource);
  return resource.release;
}

/** Releases every registered resource, newest first, logging failures instead of raising them. */
export async function releaseAll(): Promise<void> {
  while (resources.length > 0) {
    const resource = resources[resources.length - 1]!;
    try {
      await resource.release();
    } catch (error) {
      process.stderr.write(`[bench] cleanup of ${resource.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

/** Tells whether SIGINT or SIGTERM arrived, so that the run stops starting new work. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/**
 * Installs the SIGINT and SIGTERM handlers: the first signal releases every
 * resource and exits with 128 + the signal number, and a second one more than
 * REPEATED_SIGNAL_WINDOW_MS later exits at once.
 * At process exit, resources still registered get their synchronous fallback.
 */
export function installSignalHandlers(onInterrupt: () => void): void {
  const handle = (signal: NodeJS.Signals, exitCode: number) => {
    if (interrupted) {
      if (Date.now() - interruptedAt < REPEATED_SIGNAL_WINDOW_MS) {
        return;
      }
      process.stderr.write(`[bench] second ${signal}: exiting without waiting for cleanup.\n`);
      process.exit(exitCode);
    }
    interrupted = true;
    interruptedAt = Date.now();
    process.stderr.write(`[bench] ${signal} received: stopping the load and cleaning up.\n`);
    onInterrupt();
    void releaseAll().finally(() => process.exit(exitCode));
  };
  process.on('SIGINT', () => handle('SIGINT', 130));
  process.on('SIGTERM', () => handle('SIGTERM', 143));
  process.on('exit', () => {
    for (const resource of [...resources].reverse()) {
      try {
        resource.releaseAtExit?.();
      } catch {
        // Nothing more can be done while the process exits.
      }
    }
  });
}
