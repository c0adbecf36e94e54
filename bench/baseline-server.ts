/**
 * The baseline: a bare node:http server on 127.0.0.1 that returns, for each
 * kind of request, the status, headers and body bytes that the service
 * returned for one sample request, straight from memory. It runs as a child
 * process of bench/run.ts, gets the samples over the IPC channel and exits
 * when that channel closes.
 */
import { createServer } from 'node:http';
import { classifyRequest, type RequestKind } from './requests.js';

/** A response as it travels over the IPC channel, the body in base64. */
export interface SerializedResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly bodyBase64: string;
}

export type BaselineMessage = { readonly type: 'samples'; readonly samples: Partial<Record<RequestKind, SerializedResponse>> };
export type BaselineReply = { readonly type: 'listening'; readonly port: number } | { readonly type: 'samples-set' };

interface Sample {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Fastify 5's default keepAliveTimeout, so that both servers announce the same Keep-Alive header. */
const FASTIFY_KEEP_ALIVE_TIMEOUT_MS = 72_000;

let samples = new Map<RequestKind, Sample>();

const server = createServer((request, response) => {
  // Reads the request body before responding, as the service does.
  request.on('data', () => {});
  request.on('end', () => {
    const kind = classifyRequest(request.method, request.url);
    const sample = kind === undefined ? undefined : samples.get(kind);
    if (sample === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end(`The baseline has no sample for ${request.method} ${request.url}.\n`);
      return;
    }
    // The sample's own Date header is sent instead of a new one, so the bytes match the sample.
    response.sendDate = false;
    response.writeHead(sample.status, sample.headers);
    response.end(sample.body);
  });
});
server.keepAliveTimeout = FASTIFY_KEEP_ALIVE_TIMEOUT_MS;

process.on('message', (message: BaselineMessage) => {
  if (message.type === 'samples') {
    samples = new Map(
      Object.entries(message.samples).map(([kind, sample]) => [
        kind as RequestKind,
        { status: sample.status, headers: Object.fromEntries(sample.headers), body: Buffer.from(sample.bodyBase64, 'base64') },
      ]),
    );
    process.send?.({ type: 'samples-set' } satisfies BaselineReply);
  }
});
process.on('disconnect', () => process.exit(0));

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.send?.({ type: 'listening', port } satisfies BaselineReply);
});
