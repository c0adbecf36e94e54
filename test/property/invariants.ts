/**
 * The invariants that every generated request must keep, shared by the
 * property tests and `npm run fuzz`:
 *
 * - no response is a 5xx, and every status is one the endpoint documents;
 * - every error is a problem document with type, title, status, detail, code
 *   and request_id;
 * - a 201 or 200 stores exactly the template in its body: a GET returns the
 *   same body and ETag, and the content is what docs/api.md derives from the
 *   request body;
 * - a 4xx changes nothing: the list total and the template's GET and ETag
 *   stay the same;
 * - a 422 names each field that the generator made invalid.
 */
import type { FastifyInstance } from 'fastify';
import {
  contentAfterUpdate,
  contentOf,
  contentOfCreateBody,
  idFitsName,
  isPlainObject,
  sameContent,
  type Json,
  type JsonObject,
} from './api-rules.js';
import type { ApiCase, Expectation, GeneratedBody, IfMatchChoice } from './generators.js';

export const COLLECTION = '/api/workflow/job-templates';

/** A response as the checks need it. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly text: string;
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly token: string;
  /** The body as JSON text; sent with `Content-Type: application/json`. */
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends requests to the service: in-process through `inject`, or over HTTP to a running server. */
export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}

function headersOf(request: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { authorization: `Bearer ${request.token}`, ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  return headers;
}

function singleHeaders(raw: Record<string, unknown>): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) {
      headers[name.toLowerCase()] = value.join(', ');
    } else if (value !== undefined) {
      headers[name.toLowerCase()] = String(value);
    }
  }
  return headers;
}

/** Creates a client that drives an app in-process with `app.inject`. */
export function injectClient(app: FastifyInstance): HttpClient {
  return {
    async send(request) {
      const response = await app.inject({
        method: request.method,
        url: request.path,
        headers: headersOf(request),
        ...(request.body === undefined ? {} : { payload: request.body }),
      });
      return { status: response.statusCode, headers: singleHeaders(response.headers), text: response.body };
    },
  };
}

/** Creates a client that sends requests over HTTP to a server at `baseUrl`. */
export function fetchClient(baseUrl: string): HttpClient {
  return {
    async send(request) {
      const response = await fetch(new URL(request.path, baseUrl), {
        method: request.method,
        headers: headersOf(request),
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        headers[name] = value;
      });
      return { status: response.status, headers, text: await response.text() };
    },
  };
}

/** A broken invariant, with the request and response that broke it. */
export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

/** Statuses that docs/api.md section 2 lists for each request kind, 5xx left out on purpose. */
const DOCUMENTED_STATUSES: Record<string, readonly number[]> = {
  'POST collection': [201, 400, 401, 403, 409, 413, 415, 422],
  'GET collection': [200, 401, 403, 422],
  'GET template': [200, 401, 404],
  'PUT template': [200, 400, 401, 403, 404, 409, 412, 413, 415, 422],
  'DELETE template': [200, 401, 403, 404, 412, 422],
};

const PROBLEM_FIELDS = ['type', 'title', 'status', 'detail', 'code', 'request_id'] as const;

function describe(request: HttpRequest, response: HttpResponse): string {
  const body = request.body === undefined ? '' : ` with body ${request.body.length > 2000 ? `${request.body.slice(0, 2000)}…` : request.body}`;
  const answer = response.text.length > 2000 ? `${response.text.slice(0, 2000)}…` : response.text;
  return `${request.method} ${request.path}${body}\n  -> ${response.status} ${answer}`;
}

function fail(message: string, request: HttpRequest, response: HttpResponse): never {
  throw new InvariantViolation(`${message}\n  ${describe(request, response)}`);
}

/** The parts of a template in a response that a check compares. */
type Template = JsonObject & { id: string; revision: number; name: string; created_at: string; updated_at: string };

function deepEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isPlainObject(a) || isPlainObject(b)) {
    if (!isPlainObject(a) || !isPlainObject(b)) {
      return false;
    }
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return Object.is(a, b);
}

/** Counts of what a checker sent and received. */
export interface CheckerStatistics {
  /** Generated cases run, one main request each. */
  cases: number;
  /** All requests, the reads that verify a case included. */
  requests: number;
  /** Status codes of the main request of each case. */
  readonly statuses: Map<number, number>;
}

/**
 * Runs generated cases against the service as an admin and checks the
 * invariants after each one. It remembers the IDs of the templates it
 * created, so that update cases have targets.
 */
export class ApiChecker {
  readonly #client: HttpClient;
  readonly #token: string;
  readonly #adminSub: string;
  readonly #ids: string[] = [];
  #seeds = 0;
  readonly statistics: CheckerStatistics = { cases: 0, requests: 0, statuses: new Map() };

  /** `token` must belong to an admin whose `sub` claim is `adminSub`. */
  constructor(client: HttpClient, token: string, adminSub: string) {
    this.#client = client;
    this.#token = token;
    this.#adminSub = adminSub;
  }

  /** Runs one case; throws {@link InvariantViolation} when the service breaks an invariant. */
  async run(apiCase: ApiCase): Promise<void> {
    this.statistics.cases += 1;
    if (apiCase.kind === 'create') {
      await this.#runCreate(apiCase.generated);
    } else {
      await this.#runUpdate(apiCase.target, apiCase.ifMatch, apiCase.generated);
    }
  }

  /** Sends a request and checks what holds for every response: no 5xx, a documented status, a well-formed body. */
  async #send(kind: string, request: HttpRequest): Promise<{ response: HttpResponse; json: unknown }> {
    this.statistics.requests += 1;
    const response = await this.#client.send(request);
    if (response.status >= 500) {
      fail(`The service answered ${response.status}.`, request, response);
    }
    if (!(DOCUMENTED_STATUSES[kind] ?? []).includes(response.status)) {
      fail(`Status ${response.status} is not documented for ${kind}.`, request, response);
    }
    let json: unknown;
    try {
      json = JSON.parse(response.text);
    } catch {
      fail('The response body is not JSON.', request, response);
    }
    if (response.status >= 400) {
      this.#checkProblem(request, response, json);
    } else if (!(response.headers['content-type'] ?? '').startsWith('application/json')) {
      fail(`A success has the content type ${response.headers['content-type']}.`, request, response);
    }
    return { response, json };
  }

  #checkProblem(request: HttpRequest, response: HttpResponse, json: unknown): void {
    if (!isPlainObject(json)) {
      fail('The problem document is not a JSON object.', request, response);
    }
    for (const field of PROBLEM_FIELDS) {
      const value = json[field];
      const expectedType = field === 'status' ? 'number' : 'string';
      if (typeof value !== expectedType || value === '') {
        fail(`The problem document lacks a ${expectedType} "${field}".`, request, response);
      }
    }
    if (json.status !== response.status) {
      fail(`The problem's status ${json.status} differs from the HTTP status.`, request, response);
    }
    if (json.type !== `urn:job-templates:problem:${json.code}`) {
      fail(`The problem's type ${json.type} does not match its code ${json.code}.`, request, response);
    }
    if (json.request_id !== response.headers['x-request-id']) {
      fail('The problem\'s request_id differs from the X-Request-Id header.', request, response);
    }
    if (!(response.headers['content-type'] ?? '').startsWith('application/problem+json')) {
      fail(`An error has the content type ${response.headers['content-type']}.`, request, response);
    }
    if (response.status === 422) {
      const errors = json.errors;
      if (!Array.isArray(errors) || errors.length === 0) {
        fail('A 422 has no "errors" list.', request, response);
      }
      for (const entry of errors) {
        if (!isPlainObject(entry) || typeof entry.field !== 'string' || typeof entry.code !== 'string' || typeof entry.message !== 'string') {
          fail('An entry of "errors" lacks a string field, code or message.', request, response);
        }
      }
    }
  }

  #record(status: number): void {
    this.statistics.statuses.set(status, (this.statistics.statuses.get(status) ?? 0) + 1);
  }

  async #total(): Promise<number> {
    const { json } = await this.#send('GET collection', { method: 'GET', path: `${COLLECTION}?limit=1`, token: this.#token });
    return (json as { total: number }).total;
  }

  async #get(id: string): Promise<{ template: Template; etag: string | undefined }> {
    const request: HttpRequest = { method: 'GET', path: `${COLLECTION}/${id}`, token: this.#token };
    const { response, json } = await this.#send('GET template', request);
    if (response.status !== 200) {
      fail(`Template ${id} is gone.`, request, response);
    }
    return { template: json as Template, etag: response.headers.etag };
  }

  /** Checks the status against what the generator expects of the body. */
  #checkExpectation(expectation: Expectation, successStatus: number, request: HttpRequest, response: HttpResponse, json: unknown): void {
    switch (expectation.kind) {
      case 'valid':
        if (response.status !== successStatus && response.status !== 409) {
          fail(`A valid body got ${response.status}, not ${successStatus} or 409.`, request, response);
        }
        break;
      case 'invalid': {
        if (response.status !== 422) {
          fail(`A body invalid at ${expectation.fields.join(', ')} got ${response.status}, not 422.`, request, response);
        }
        const named = new Set(((json as { errors: { field: string }[] }).errors ?? []).map((entry) => entry.field));
        const missing = expectation.fields.filter((field) => !named.has(field));
        if (missing.length > 0) {
          fail(`The 422 does not name the invalid field(s) ${missing.map((field) => JSON.stringify(field)).join(', ')}.`, request, response);
        }
        break;
      }
      case 'status':
        if (response.status !== expectation.status) {
          fail(`Expected ${expectation.status}, got ${response.status}.`, request, response);
        }
        break;
      case 'unknown':
        break;
    }
  }

  async #runCreate(generated: GeneratedBody): Promise<void> {
    const before = await this.#total();
    const request: HttpRequest = { method: 'POST', path: COLLECTION, token: this.#token, body: JSON.stringify(generated.body) };
    const { response, json } = await this.#send('POST collection', request);
    this.#record(response.status);
    this.#checkExpectation(generated.expectation, 201, request, response, json);

    if (response.status === 201) {
      const created = json as Template;
      this.#checkCreated(created, generated.body, request, response);
      const fetched = await this.#get(created.id);
      if (!deepEqual(fetched.template, created)) {
        fail(`GET returns another template than the create:\n  GET: ${JSON.stringify(fetched.template)}`, request, response);
      }
      if (fetched.etag !== '"1"' || response.headers.etag !== '"1"') {
        fail(`The ETag of a new template is ${response.headers.etag} (GET: ${fetched.etag}), not "1".`, request, response);
      }
      if (response.headers.location !== `${COLLECTION}/${created.id}`) {
        fail(`The Location header is ${response.headers.location}.`, request, response);
      }
      this.#ids.push(created.id);
    }
    const after = await this.#total();
    const expected = response.status === 201 ? before + 1 : before;
    if (after !== expected) {
      fail(`The list total went from ${before} to ${after}, expected ${expected}.`, request, response);
    }
  }

  #checkCreated(created: Template, body: Json, request: HttpRequest, response: HttpResponse): void {
    const expected = contentOfCreateBody(body);
    if (!sameContent(contentOf(created), expected)) {
      fail(`The stored content differs from the request:\n  expected: ${JSON.stringify(expected)}`, request, response);
    }
    if (!idFitsName(created.id, expected.name)) {
      fail(`The ID ${created.id} does not fit the name ${JSON.stringify(expected.name)}.`, request, response);
    }
    const server = { revision: 1, created_by: this.#adminSub, updated_by: this.#adminSub };
    for (const [field, value] of Object.entries(server)) {
      if (created[field] !== value) {
        fail(`${field} is ${JSON.stringify(created[field])}, not ${JSON.stringify(value)}.`, request, response);
      }
    }
    if (created.created_at !== created.updated_at || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(created.created_at)) {
      fail('created_at and updated_at of a new template differ or are not UTC timestamps with milliseconds.', request, response);
    }
  }

  /** Returns a template to update, creating one when the checker has created none yet. */
  async #target(index: number): Promise<string> {
    if (this.#ids.length === 0) {
      this.#seeds += 1;
      const body = JSON.stringify({ name: `update-target-${this.#seeds}-${Date.now()}`, scope: 'global', containers: [{ name: 'main', image: 'busybox' }] });
      const request: HttpRequest = { method: 'POST', path: COLLECTION, token: this.#token, body };
      const { response, json } = await this.#send('POST collection', request);
      if (response.status !== 201) {
        fail('Creating a template to update failed.', request, response);
      }
      this.#ids.push((json as Template).id);
    }
    // Recent templates first, so that a long run does not spread its updates over every template.
    const recent = this.#ids.slice(-50);
    return recent[index % recent.length] as string;
  }

  async #runUpdate(targetIndex: number, ifMatch: IfMatchChoice, generated: GeneratedBody): Promise<void> {
    const id = await this.#target(targetIndex);
    const before = await this.#get(id);
    const totalBefore = await this.#total();
    const headers: Record<string, string> = {};
    if (ifMatch === 'current') {
      headers['if-match'] = before.etag ?? '';
    } else if (ifMatch === 'stale') {
      headers['if-match'] = `"${before.template.revision + 1}"`;
    } else if (ifMatch === 'any') {
      headers['if-match'] = '*';
    }
    const request: HttpRequest = { method: 'PUT', path: `${COLLECTION}/${id}`, token: this.#token, body: JSON.stringify(generated.body), headers };
    const { response, json } = await this.#send('PUT template', request);
    this.#record(response.status);

    // Invalid JSON (400) is reported before a stale If-Match (412), and that before the body's own faults.
    let expectation = generated.expectation;
    if (ifMatch === 'stale' && expectation.kind !== 'status') {
      expectation = { kind: 'status', status: 412 };
    }
    this.#checkExpectation(expectation, 200, request, response, json);

    const after = await this.#get(id);
    if (response.status === 200) {
      const updated = json as Template;
      this.#checkUpdated(before.template, updated, generated.body, request, response);
      if (!deepEqual(after.template, updated) || after.etag !== response.headers.etag) {
        fail(`GET returns another template than the update:\n  GET: ${JSON.stringify(after.template)} with ETag ${after.etag}`, request, response);
      }
      if (response.headers.etag !== `"${updated.revision}"`) {
        fail(`The ETag ${response.headers.etag} differs from the revision ${updated.revision}.`, request, response);
      }
    } else if (!deepEqual(after.template, before.template) || after.etag !== before.etag) {
      fail(`A ${response.status} changed the template:\n  before: ${JSON.stringify(before.template)}\n  after: ${JSON.stringify(after.template)}`, request, response);
    }
    const totalAfter = await this.#total();
    if (totalAfter !== totalBefore) {
      fail(`An update changed the list total from ${totalBefore} to ${totalAfter}.`, request, response);
    }
  }

  #checkUpdated(before: Template, updated: Template, body: Json, request: HttpRequest, response: HttpResponse): void {
    const expected = contentAfterUpdate(contentOf(before), body);
    if (!sameContent(contentOf(updated), expected)) {
      fail(`The updated content differs from the merge:\n  expected: ${JSON.stringify(expected)}`, request, response);
    }
    const changed = !sameContent(contentOf(before), expected);
    if (!changed) {
      if (!deepEqual(updated, before)) {
        fail('An update that changes nothing changed the template.', request, response);
      }
      return;
    }
    const kept = { id: before.id, created_at: before.created_at, created_by: before.created_by, revision: before.revision + 1, updated_by: this.#adminSub };
    for (const [field, value] of Object.entries(kept)) {
      if (updated[field] !== value) {
        fail(`After a changing update, ${field} is ${JSON.stringify(updated[field])}, not ${JSON.stringify(value)}.`, request, response);
      }
    }
    if (updated.updated_at < before.updated_at) {
      fail(`updated_at went back from ${before.updated_at} to ${updated.updated_at}.`, request, response);
    }
  }
}
