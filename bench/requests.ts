/**
 * The requests of each scenario, built the same way for the one-off sample
 * request, the load against the service and the load against the baseline.
 */
import type { AutocannonRequest, RequestContext } from 'autocannon';
import { COLLECTION_PATH } from '../src/http/routes/job-templates.js';
import type { ScenarioName } from './options.js';
import { PROJECT_IDS, seedBody, seededRandom, type CreateRequestBody } from './fixtures.js';

/** One kind of request. A scenario sends one kind, or several in the mixed scenario. */
export type RequestKind = 'get' | 'list-project' | 'list-all' | 'search' | 'create' | 'update';

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Templates per list page in the list scenarios. */
export const LIST_LIMIT = 100;

/** Kinds of request each scenario sends, with their shares of the requests. */
export const SCENARIO_MIX: Readonly<Record<ScenarioName, readonly { readonly kind: RequestKind; readonly share: number }[]>> = {
  get: [{ kind: 'get', share: 1 }],
  'list-project': [{ kind: 'list-project', share: 1 }],
  'list-all': [{ kind: 'list-all', share: 1 }],
  search: [{ kind: 'search', share: 1 }],
  create: [{ kind: 'create', share: 1 }],
  update: [{ kind: 'update', share: 1 }],
  // 80 % reads, 20 % writes.
  mixed: [
    { kind: 'get', share: 0.5 },
    { kind: 'list-project', share: 0.2 },
    { kind: 'search', share: 0.1 },
    { kind: 'create', share: 0.1 },
    { kind: 'update', share: 0.1 },
  ],
};

/**
 * Tells which kind of request a method and URL are, so that the baseline
 * server can return the matching sample. Returns undefined for other requests.
 */
export function classifyRequest(method: string | undefined, url: string | undefined): RequestKind | undefined {
  const [path = '', query = ''] = (url ?? '').split('?', 2);
  if (path === COLLECTION_PATH) {
    if (method === 'GET') {
      const parameters = new URLSearchParams(query);
      if (parameters.has('name')) {
        return 'search';
      }
      return parameters.has('project_id') ? 'list-project' : 'list-all';
    }
    return method === 'POST' ? 'create' : undefined;
  }
  if (path.startsWith(`${COLLECTION_PATH}/`)) {
    if (method === 'GET') {
      return 'get';
    }
    return method === 'PUT' ? 'update' : undefined;
  }
  return undefined;
}

function parseRevision(etag: string): number | undefined {
  const match = /^"(\d+)"$/.exec(etag);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Templates that the update requests change, taken in a shuffled round-robin
 * that skips templates with an update in flight, so that the benchmark does
 * not race itself. Keeps the newest ETag seen for each. A template whose
 * current revision is unknown, because an update of it got 412 or was still
 * in flight when a run stopped, is retired from the rotation.
 */
export class UpdateTargets {
  readonly #ids: readonly string[];
  readonly #revisions = new Map<string, number>();
  /** Updates sent to the service and still without a response, by template ID. */
  readonly #inFlight = new Map<string, number>();
  readonly #retired = new Set<string>();
  #cursor = 0;

  constructor(ids: readonly string[]) {
    const shuffled = [...ids];
    const random = seededRandom(7);
    for (let index = shuffled.length - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
    }
    this.#ids = shuffled;
  }

  /** Returns the next template to update and the If-Match value for it. Seeded templates start at revision 1. */
  next(): { id: string; ifMatch: string } {
    for (let skipped = 0; skipped < this.#ids.length; skipped += 1) {
      const id = this.#ids[this.#cursor % this.#ids.length]!;
      this.#cursor += 1;
      if (!this.#retired.has(id) && !this.#inFlight.has(id)) {
        return { id, ifMatch: `"${this.#revisions.get(id) ?? 1}"` };
      }
    }
    throw new Error(
      `All ${this.#ids.length} update targets are retired or have an update in flight. Seed more templates than there are connections.`,
    );
  }

  /** Counts an update of `id` that was sent to the service. */
  sent(id: string): void {
    this.#inFlight.set(id, (this.#inFlight.get(id) ?? 0) + 1);
  }

  /**
   * Records the service's response to an update of `id`: the ETag of a 200,
   * unless a newer one arrived first. A 412 retires the template.
   */
  answered(id: string, status: number, etag: string | undefined): void {
    const pending = (this.#inFlight.get(id) ?? 1) - 1;
    if (pending > 0) {
      this.#inFlight.set(id, pending);
    } else {
      this.#inFlight.delete(id);
    }
    const revision = etag === undefined ? undefined : parseRevision(etag);
    if (status === 200 && revision !== undefined && revision > (this.#revisions.get(id) ?? 1)) {
      this.#revisions.set(id, revision);
    } else if (status === 412) {
      this.#retired.add(id);
    }
  }

  /** Retires the templates whose updates never got a response, as when a run stops with requests in flight. */
  retireUnanswered(): void {
    for (const id of this.#inFlight.keys()) {
      this.#retired.add(id);
    }
    this.#inFlight.clear();
  }
}

function headerValue(headers: Readonly<Record<string, string | string[]>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) {
      return Array.isArray(value) ? value[0] : value;
    }
  }
  return undefined;
}

/** Seeded data that the factory builds requests from. */
export interface RequestData {
  readonly seededIds: readonly string[];
  readonly seedCount: number;
  readonly fixtures: readonly CreateRequestBody[];
  readonly searchTerms: readonly string[];
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/** Builds the requests of every kind and follows the ETags of updated templates. */
export class RequestFactory {
  readonly #data: RequestData;
  readonly #updateTargets: UpdateTargets;
  #createSequence = 0;
  #updateSequence = 0;

  constructor(data: RequestData) {
    this.#data = data;
    this.#updateTargets = new UpdateTargets(data.seededIds);
  }

  /** Builds one request. An update stores its template ID in `context.updateId` for {@link recordResponse}. */
  build(kind: RequestKind, context: RequestContext): HttpRequest {
    switch (kind) {
      case 'get':
        return { method: 'GET', path: `${COLLECTION_PATH}/${pick(this.#data.seededIds)}`, headers: {} };
      case 'list-project':
        return { method: 'GET', path: `${COLLECTION_PATH}?project_id=${pick(PROJECT_IDS)}&limit=${LIST_LIMIT}`, headers: {} };
      case 'list-all':
        return { method: 'GET', path: `${COLLECTION_PATH}?limit=${LIST_LIMIT}`, headers: {} };
      case 'search':
        return {
          method: 'GET',
          path: `${COLLECTION_PATH}?name=${encodeURIComponent(pick(this.#data.searchTerms))}&limit=${LIST_LIMIT}`,
          headers: {},
        };
      case 'create': {
        // Indexes after the seeded ones give names that no seeded or earlier created template has.
        const body = seedBody(this.#data.fixtures, this.#data.seedCount + this.#createSequence);
        this.#createSequence += 1;
        return { method: 'POST', path: COLLECTION_PATH, headers: JSON_HEADERS, body: JSON.stringify(body) };
      }
      case 'update': {
        const { id, ifMatch } = this.#updateTargets.next();
        this.#updateSequence += 1;
        context.updateId = id;
        return {
          method: 'PUT',
          path: `${COLLECTION_PATH}/${id}`,
          headers: { ...JSON_HEADERS, 'if-match': ifMatch },
          body: JSON.stringify({ description: `Updated by the benchmark, update ${this.#updateSequence}.` }),
        };
      }
    }
  }

  /** Counts a request built by {@link build} as sent to the service. */
  recordSent(context: RequestContext): void {
    if (typeof context.updateId === 'string') {
      this.#updateTargets.sent(context.updateId);
    }
  }

  /** Keeps the ETag of a successful update for the next update of the same template. */
  recordResponse(status: number, context: RequestContext, headers: Readonly<Record<string, string | string[]>>): void {
    if (typeof context.updateId === 'string') {
      this.#updateTargets.answered(context.updateId, status, headerValue(headers, 'etag'));
    }
  }

  /** Retires the templates of updates left without a response. Call it after every run against the service. */
  finishServiceRun(): void {
    this.#updateTargets.retireUnanswered();
  }

  /**
   * Returns the autocannon request list of a scenario for one connection.
   * Each connection needs its own list, because autocannon stores the
   * encoded request on the list's objects. With `followEtags` false, as for
   * the baseline, whose ETags are those of one sample response, neither the
   * updates sent nor the responses are tracked.
   */
  autocannonRequests(scenario: ScenarioName, followEtags: boolean): AutocannonRequest[] {
    const mix = SCENARIO_MIX[scenario];
    const chooseKind = (): RequestKind => {
      let draw = Math.random();
      for (const { kind, share } of mix) {
        draw -= share;
        if (draw < 0) {
          return kind;
        }
      }
      return mix[mix.length - 1]!.kind;
    };
    return [
      {
        setupRequest: (request, context) => {
          delete context.updateId;
          const built = this.build(chooseKind(), context);
          if (followEtags) {
            this.recordSent(context);
          }
          // A new headers object, because autocannon keeps the one it passes in for later requests.
          return {
            ...request,
            method: built.method,
            path: built.path,
            headers: { ...request.headers, ...built.headers },
            body: built.body ?? '',
          };
        },
        onResponse: (status, _body, context, headers) => {
          if (followEtags) {
            this.recordResponse(status, context, headers);
          }
        },
      },
    ];
  }
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}
