/** Starts bench/baseline-server.ts as a child process and hands it the sample responses. */
import { spawn } from 'node:child_process';
import { track } from './cleanup.js';
import type { BaselineMessage, BaselineReply, SerializedResponse } from './baseline-server.js';
import { PROJECT_ROOT } from './fixtures.js';
import type { RequestKind } from './requests.js';
import type { CapturedResponse } from './samples.js';

const START_TIMEOUT_MS = 30_000;

export interface BaselineProcess {
  readonly baseUrl: string;
  readonly pid: number;
  /** Replaces the responses the baseline returns, and resolves once the child has them. */
  setSamples(samples: ReadonlyMap<RequestKind, CapturedResponse>): Promise<void>;
  stop(): Promise<void>;
}

export async function startBaselineProcess(): Promise<BaselineProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/baseline-server.ts'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  const stop = track(
    `baseline process ${child.pid}`,
    async () => {
      if (isRunning()) {
        child.kill('SIGTERM');
        await exited;
      }
    },
    () => {
      if (isRunning()) {
        child.kill('SIGKILL');
      }
    },
  );

  const nextReply = (type: BaselineReply['type']) =>
    new Promise<BaselineReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`The baseline process sent no "${type}" message within ${START_TIMEOUT_MS} ms.`));
      }, START_TIMEOUT_MS);
      const onMessage = (message: BaselineReply) => {
        if (message.type === type) {
          cleanup();
          resolve(message);
        }
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(new Error(`The baseline process exited with code ${code} before sending "${type}".`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });

  let listening: BaselineReply;
  try {
    listening = await nextReply('listening');
  } catch (error) {
    await stop();
    throw error;
  }
  const port = listening.type === 'listening' ? listening.port : 0;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async setSamples(samples) {
      const serialized: Partial<Record<RequestKind, SerializedResponse>> = {};
      for (const [kind, sample] of samples) {
        serialized[kind] = { status: sample.status, headers: sample.headers, bodyBase64: sample.body.toString('base64') };
      }
      const set = nextReply('samples-set');
      child.send({ type: 'samples', samples: serialized } satisfies BaselineMessage);
      await set;
    },
    stop,
  };
}
