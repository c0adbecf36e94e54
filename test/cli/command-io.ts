/** Running a command in the test process, with in-memory standard streams. */
import { PassThrough, Readable, type Writable } from 'node:stream';
import type { CommandRunner } from '../../src/cli/command.js';

/** The exit code and the text that one in-process run wrote. */
export interface InProcessResult {
  readonly code: number;
  /** Text written to standard output, or '' when the test passed its own stream. */
  readonly stdout: string;
  /** Text written to standard error, or '' when the test passed its own stream. */
  readonly stderr: string;
}

/** Streams that replace the defaults of {@link runInProcess}. */
export interface StreamOverrides {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
}

/** A PassThrough that collects everything written to it, and a function that returns it as UTF-8 text. */
export function collectingStream(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `runner` with `argv`, only the variables in `env`, and an empty
 * standard input unless `streams` replaces it. Returns once the command has
 * finished and the collecting streams have received everything written.
 */
export async function runInProcess(
  runner: CommandRunner,
  argv: readonly string[],
  env: Record<string, string>,
  streams: StreamOverrides = {},
): Promise<InProcessResult> {
  const stdout = collectingStream();
  const stderr = collectingStream();

  const code = await runner({
    argv,
    env,
    stdin: streams.stdin ?? Readable.from([]),
    stdout: streams.stdout ?? stdout.stream,
    stderr: streams.stderr ?? stderr.stream,
  });
  // A PassThrough emits 'data' on a later tick than the write, so wait for the pending events.
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
