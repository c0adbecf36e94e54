import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import { redactPassword, startService, type RunningService } from '../src/server.js';
import { TEST_SECRET } from './helpers/tokens.js';

/** Collects pino's JSON lines. */
function logSink(): { write(line: string): void; lines(): Record<string, any>[] } {
  const collected: string[] = [];
  return {
    write: (line: string) => void collected.push(line),
    lines: () => collected.map((line) => JSON.parse(line) as Record<string, any>),
  };
}

describe('startService', () => {
  let folder: string;
  let service: RunningService | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'job-templates-server-'));
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  it('development mode logs a working admin token', async () => {
    const sink = logSink();
    service = await startService({ PORT: '0', DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}` }, sink);
    const warning = sink.lines().find((line) => line.dev_admin_token !== undefined);
    expect(warning?.curl).toContain(`${service.baseUrl}/api/workflow/job-templates`);
    const response = await fetch(`${service.baseUrl}/api/workflow/job-templates`, {
      headers: { authorization: `Bearer ${warning?.dev_admin_token}` },
    });
    expect(response.status).toBe(200);
    expect(sink.lines().some((line) => line.msg === 'job template service started')).toBe(true);
  });

  it('warns about a short HS256 secret', async () => {
    const sink = logSink();
    service = await startService({ PORT: '0', DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}`, AUTH_JWT_SECRET: 'short' }, sink);
    expect(sink.lines().some((line) => String(line.msg).includes('shorter than 32 bytes'))).toBe(true);
    expect(sink.lines().some((line) => line.dev_admin_token !== undefined)).toBe(false);
  });

  it('stop closes the listener and the store', async () => {
    const sink = logSink();
    const started = await startService({ PORT: '0', DATABASE_URL: `sqlite:${join(folder, 'db.sqlite')}`, AUTH_JWT_SECRET: TEST_SECRET }, sink);
    await started.stop();
    await expect(fetch(`${started.baseUrl}/healthz`)).rejects.toThrow();
    await expect(started.store.ping()).rejects.toThrow();
    expect(sink.lines().some((line) => line.msg === 'shutdown complete')).toBe(true);
  });

  it('invalid configuration raises ConfigError', async () => {
    await expect(startService({ PORT: 'x' }, logSink())).rejects.toBeInstanceOf(ConfigError);
  });

  it('a port in use fails the start and closes the store', async () => {
    const sink = logSink();
    service = await startService({ PORT: '0', DATABASE_URL: `sqlite:${join(folder, 'a.sqlite')}`, AUTH_JWT_SECRET: TEST_SECRET }, sink);
    const port = new URL(service.baseUrl).port;
    await expect(
      startService({ PORT: port, DATABASE_URL: `sqlite:${join(folder, 'b.sqlite')}`, AUTH_JWT_SECRET: TEST_SECRET }, logSink()),
    ).rejects.toThrow(/EADDRINUSE/);
  });
});

describe('redactPassword', () => {
  it('hides a password', () => {
    expect(redactPassword('postgres://user:secret@db:5432/x')).toBe('postgres://user:***@db:5432/x');
  });

  it('keeps a URL without password', () => {
    expect(redactPassword('postgres://user@db:5432/x')).toBe('postgres://user@db:5432/x');
  });

  it('never returns an unparsable URL', () => {
    expect(redactPassword('postgres://user:sec ret@[bad')).toBe('postgres://(unparsable URL)');
  });
});
