import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CommandError,
  errorMessage,
  EXIT_FATAL,
  isMainModule,
  processIo,
  reportFatalError,
  runCommand,
  runIfMainModule,
  type CommandIo,
} from '../../src/cli/command.js';
import { ConfigError } from '../../src/config.js';

/** Returns the text written to a PassThrough so far, which its _transform buffers synchronously. */
function readText(stream: PassThrough): string | undefined {
  return (stream.read() as Buffer | null)?.toString('utf8');
}

describe('errorMessage', () => {
  it('returns the message of an Error', () => {
    expect(errorMessage(new Error('disk full'))).toBe('disk full');
  });

  it('converts a thrown value that is not an Error', () => {
    expect(errorMessage(42)).toBe('42');
  });
});

describe('reportFatalError', () => {
  it('shows a configuration error with a hint', () => {
    const stderr = new PassThrough();
    reportFatalError('tool', new ConfigError(['DATABASE_URL is invalid.', 'PG_POOL_SIZE is invalid.']), stderr);
    expect(readText(stderr)).toBe(
      'tool: Invalid configuration:\n  - DATABASE_URL is invalid.\n  - PG_POOL_SIZE is invalid.\nFix the variables above and run the command again.\n',
    );
  });

  it('shows a command error by message only', () => {
    const stderr = new PassThrough();
    reportFatalError('tool', new CommandError('Cannot read in.jsonl: ENOENT'), stderr);
    expect(readText(stderr)).toBe('tool: Cannot read in.jsonl: ENOENT\n');
  });

  it('shows any other error with its stack', () => {
    const stderr = new PassThrough();
    const error = new TypeError('x is undefined');
    reportFatalError('tool', error, stderr);
    expect(readText(stderr)).toBe(`tool: failed: ${error.stack}\n`);
  });

  it('shows an error without stack by message', () => {
    const stderr = new PassThrough();
    const error = new Error('no stack here');
    error.stack = undefined;
    reportFatalError('tool', error, stderr);
    expect(readText(stderr)).toBe('tool: failed: no stack here\n');
  });

  it('shows a thrown value that is not an Error', () => {
    const stderr = new PassThrough();
    reportFatalError('tool', 'plain text', stderr);
    expect(readText(stderr)).toBe('tool: failed: plain text\n');
  });
});

describe('runCommand', () => {
  it('returns the exit code of main', async () => {
    const stderr = new PassThrough();
    expect(await runCommand('tool', stderr, async () => 2)).toBe(2);
    expect(stderr.read()).toBeNull();
  });

  it('reports a fatal error and returns 1', async () => {
    const stderr = new PassThrough();
    const code = await runCommand('tool', stderr, async () => {
      throw new CommandError('Expected at most one input file, got 2.');
    });
    expect(code).toBe(EXIT_FATAL);
    expect(readText(stderr)).toBe('tool: Expected at most one input file, got 2.\n');
  });
});

describe('processIo', () => {
  it('returns the process arguments and streams', () => {
    const io = processIo();
    expect(io.argv).toEqual(process.argv.slice(2));
    expect(io.env).toBe(process.env);
    expect(io.stdin).toBe(process.stdin);
    expect(io.stdout).toBe(process.stdout);
    expect(io.stderr).toBe(process.stderr);
  });
});

describe('isMainModule', () => {
  let folder: string;
  let script: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-main-module-'));
    script = join(folder, 'export-templates.ts');
    writeFileSync(script, '');
  });
  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('matches the script path', () => {
    expect(isMainModule(pathToFileURL(script).href, script)).toBe(true);
  });

  it('matches a symbolic link to the script', () => {
    const link = join(folder, 'link.ts');
    symlinkSync(script, link);
    expect(isMainModule(pathToFileURL(script).href, link)).toBe(true);
  });

  it('matches a script path without extension or with .js', () => {
    expect(isMainModule(pathToFileURL(script).href, join(folder, 'export-templates'))).toBe(true);
    expect(isMainModule(pathToFileURL(script).href, join(folder, 'export-templates.js'))).toBe(true);
  });

  it('rejects another script', () => {
    const other = join(folder, 'import-templates.ts');
    writeFileSync(other, '');
    expect(isMainModule(pathToFileURL(script).href, other)).toBe(false);
    expect(isMainModule(pathToFileURL(script).href, join(folder, 'missing.ts'))).toBe(false);
  });

  it('rejects a missing script path', () => {
    expect(isMainModule(pathToFileURL(script).href, undefined)).toBe(false);
    expect(isMainModule(pathToFileURL(script).href, '')).toBe(false);
  });

  it('rejects a module run by the test runner', () => {
    expect(isMainModule(import.meta.url)).toBe(false);
  });
});

describe('runIfMainModule', () => {
  let folder: string;
  let script: string;
  const originalArgv = process.argv;
  const originalExitCode = process.exitCode;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-run-main-'));
    script = join(folder, 'command.ts');
    writeFileSync(script, '');
  });
  afterEach(() => {
    process.argv = originalArgv;
    process.exitCode = originalExitCode;
    vi.restoreAllMocks();
    rmSync(folder, { recursive: true, force: true });
  });

  it('does nothing in an imported module', () => {
    const runner = vi.fn(async () => 0);
    runIfMainModule(pathToFileURL(script).href, runner);
    expect(runner).not.toHaveBeenCalled();
  });

  it('runs the script and sets exit code', async () => {
    process.argv = [process.execPath, script, '--output', 'out.jsonl'];
    let received: CommandIo | undefined;
    const finished = new Promise<void>((resolve) => {
      runIfMainModule(pathToFileURL(script).href, async (io) => {
        received = io;
        resolve();
        return 2;
      });
    });
    await finished;
    await new Promise((resolve) => setImmediate(resolve));
    const exitCode = process.exitCode;
    process.exitCode = originalExitCode;

    expect(exitCode).toBe(2);
    expect(received?.argv).toEqual(['--output', 'out.jsonl']);
    expect(received?.stdout).toBe(process.stdout);
    expect(received?.stderr).toBe(process.stderr);
  });

  it('reports a rejected runner', async () => {
    process.argv = [process.execPath, script];
    const stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const error = new Error('stderr is closed');
    runIfMainModule(pathToFileURL(script).href, () => Promise.reject(error));
    await new Promise((resolve) => setImmediate(resolve));
    const exitCode = process.exitCode;
    process.exitCode = originalExitCode;

    expect(exitCode).toBe(EXIT_FATAL);
    expect(stderrWrite).toHaveBeenCalledWith(`failed: ${error.stack}\n`);
  });

  it('reports a rejected value that is not an Error', async () => {
    process.argv = [process.execPath, script];
    const stderrWrite = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    runIfMainModule(pathToFileURL(script).href, () => Promise.reject('closed'));
    await new Promise((resolve) => setImmediate(resolve));
    const exitCode = process.exitCode;
    process.exitCode = originalExitCode;

    expect(exitCode).toBe(EXIT_FATAL);
    expect(stderrWrite).toHaveBeenCalledWith('failed: closed\n');
  });
});
