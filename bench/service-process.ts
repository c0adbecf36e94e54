/** The service under test, built and started as `npm start` does. */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from './cleanup.js';
import { PROJECT_ROOT } from './fixtures.js';

/** Environment variables of the benchmark's own environment that are passed on to the service when set. */
export const PASSED_ON_VARIABLES = [
  'SQLITE_SYNCHRONOUS',
  'SQLITE_BUSY_TIMEOUT_MS',
  'SQLITE_LIST_CACHE_PAGES',
  'PG_POOL_SIZE',
  'PG_STATEMENT_TIMEOUT_MS',
  'PG_CONNECTION_TIMEOUT_MS',
  'RATE_LIMIT_PER_MINUTE',
] as const;

/**
 * Settings the benchmark gives the service unless its own environment sets
 * them. The service limits each user to RATE_LIMIT_PER_MINUTE requests a
 * minute, 1,200 by default, and all benchmark requests carry one user's
 * token. So the limit is raised to the largest value the service accepts,
 * which keeps the limiter's per-request work in the measurement.
 * NOTE: above about 16,700 requests/s sustained for a minute, 429s would appear among the non-2xx.
 */
export const SERVICE_DEFAULTS: Readonly<Record<string, string>> = { RATE_LIMIT_PER_MINUTE: '1000000' };

const READY_TIMEOUT_MS = 60_000;
/** Longer than the service's default SHUTDOWN_TIMEOUT_MS of 10 s, after which SIGKILL follows. */
const STOP_TIMEOUT_MS = 15_000;
/** Output lines of the service copied to standard error. Later lines are only counted. */
const MAX_FORWARDED_LINES = 20;

export interface ServiceProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** VmHWM of the process in KiB, or undefined when /proc does not show it. */
  peakRssKiB(): number | undefined;
  /** Sends SIGTERM, waits for the exit, and kills the process if it does not exit in time. */
  stop(): Promise<void>;
}

/** The compiled entry point that `npm start` runs. */
const START_SCRIPT = 'dist/main.js';

/**
 * Reads the Node.js flags of the `start` script in package.json, so that the
 * benchmark runs the service with the same flags as `npm start`. Raises when
 * the script is not `node [flags] dist/main.js`.
 */
export function startCommand(): { readonly nodeFlags: readonly string[] } {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const words = (manifest.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== START_SCRIPT || words.slice(1, -1).some((word) => !word.startsWith('--'))) {
    throw new Error(`The start script in package.json is ${JSON.stringify(manifest.scripts?.start)}; the benchmark expects "node [--flags] ${START_SCRIPT}".`);
  }
  return { nodeFlags: words.slice(1, -1) };
}

/** Compiles the service to dist/ as `npm start` does before it starts, and raises with the compiler output on failure. */
export function buildService(): void {
  const compiler = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    execFileSync(process.execPath, [compiler, '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // tsc prints its errors to standard output, which the error's message leaves out.
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`Compiling the service failed:\n${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`, { cause: error });
  }
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Reads VmHWM, the peak resident set size, of a process in KiB. */
export function readPeakRssKiB(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

/**
 * Starts the service on 127.0.0.1 with the given variables on top of
 * PATH, HOST, PORT and LOG_LEVEL=warn, and waits until GET /readyz returns 200.
 * With `cpuProfileDir`, Node.js profiles the service and writes a `.cpuprofile` there.
 */
export async function startServiceProcess(env: Readonly<Record<string, string>>, cpuProfileDir?: string): Promise<ServiceProcess> {
  const port = await findFreePort();
  // Node.js writes the CPU profile when the process exits, which the service does after SIGTERM.
  const profiling = cpuProfileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir];
  const child = spawn(process.execPath, [...profiling, ...startCommand().nodeFlags, START_SCRIPT], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isRunning = () => child.exitCode === null && child.signalCode === null;

  let recentOutput = '';
  let forwardedLines = 0;
  let droppedLines = 0;
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    recentOutput = (recentOutput + text).slice(-8000);
    for (const line of text.split('\n').filter((part) => part.trim() !== '')) {
      if (forwardedLines < MAX_FORWARDED_LINES) {
        forwardedLines += 1;
        process.stderr.write(`[service] ${line}\n`);
      } else {
        droppedLines += 1;
      }
    }
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const stop = track(
    `service process ${child.pid}`,
    async () => {
      if (isRunning()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      if (droppedLines > 0) {
        process.stderr.write(`[service] ${droppedLines} more output lines were not shown.\n`);
      }
    },
    () => {
      if (isRunning()) {
        child.kill('SIGKILL');
      }
    },
  );

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (!isRunning()) {
      await stop();
      throw new Error(`The service exited with code ${child.exitCode ?? child.signalCode} before it was ready. Its last output:\n${recentOutput}`);
    }
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      await response.arrayBuffer();
      if (response.status === 200) {
        break;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The service did not return 200 on ${baseUrl}/readyz within ${READY_TIMEOUT_MS} ms. Its last output:\n${recentOutput}`);
    }
    await sleep(100);
  }

  return {
    baseUrl,
    pid: child.pid!,
    peakRssKiB: () => readPeakRssKiB(child.pid!),
    stop,
  };
}
