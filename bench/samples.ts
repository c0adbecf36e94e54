/** One sample request of each kind against the service, captured for the baseline and the report. */
import type { RequestFactory, RequestKind } from './requests.js';

export interface CapturedResponse {
  readonly status: number;
  /** Headers without the hop-by-hop ones, which each server writes itself. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
  /** For list responses: `total` and the number of `items` in the sample. */
  readonly listTotal?: number;
  readonly listItems?: number;
}

const HOP_BY_HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

function describeList(body: Buffer): { listTotal?: number; listItems?: number } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { total?: unknown; items?: unknown };
    if (typeof parsed.total === 'number' && Array.isArray(parsed.items)) {
      return { listTotal: parsed.total, listItems: parsed.items.length };
    }
  } catch {
    // Not a list: nothing to describe.
  }
  return {};
}

/**
 * Sends one request of each kind and returns the responses. Raises when one
 * is not 2xx, because the load would then measure error responses.
 */
export async function captureSamples(
  baseUrl: string,
  authorization: string,
  factory: RequestFactory,
  kinds: Iterable<RequestKind>,
): Promise<Map<RequestKind, CapturedResponse>> {
  const samples = new Map<RequestKind, CapturedResponse>();
  for (const kind of kinds) {
    const context: Record<string, unknown> = {};
    const request = factory.build(kind, context);
    factory.recordSent(context);
    const response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers: { authorization, ...request.headers },
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    const body = Buffer.from(await response.arrayBuffer());
    if (response.status < 200 || response.status > 299) {
      throw new Error(`The sample ${kind} request ${request.method} ${request.path} returned ${response.status}: ${body.toString('utf8').slice(0, 2000)}`);
    }
    const headers = [...response.headers].filter(([name]) => !HOP_BY_HOP_HEADERS.has(name.toLowerCase()));
    factory.recordResponse(response.status, context, Object.fromEntries(headers));
    samples.set(kind, { status: response.status, headers, body, ...describeList(body) });
  }
  return samples;
}
