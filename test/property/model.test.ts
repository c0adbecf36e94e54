import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, type TestApp } from '../helpers/test-app.js';
import { signToken } from '../helpers/tokens.js';
import {
  compareCodePoints,
  contentAfterUpdate,
  contentOfCreateBody,
  idFitsName,
  mayRead,
  mayWrite,
  sameContent,
  type Caller,
  type JsonObject,
  type TemplateContent,
} from './api-rules.js';
import { validCreateBody, validUpdateBody } from './generators.js';

/**
 * Model-based test: random sequences of create, get, list, update and delete
 * by five users run against the service and against a small in-memory model
 * of docs/api.md. After every command both must agree on the status and, for
 * a success, on the body; then the whole stored state must equal the model.
 */

const RUNS = 80;
const MAX_COMMANDS = 30;

type UserKey = 'admin' | 'memberA' | 'memberB' | 'memberAB' | 'outsider';

const USERS: Record<UserKey, Caller> = {
  admin: { sub: 'user-admin', admin: true, projects: [] },
  memberA: { sub: 'user-a', admin: false, projects: ['proj-a'] },
  memberB: { sub: 'user-b', admin: false, projects: ['proj-b'] },
  memberAB: { sub: 'user-ab', admin: false, projects: ['proj-a', 'proj-b'] },
  outsider: { sub: 'user-x', admin: false, projects: [] },
};
const PROJECT_IDS = ['proj-a', 'proj-b', 'proj-c'];

/**
 * Names that collide often: `café` and `cafe` + U+0301 are the same name
 * after NFC, `alpha` and `Alpha` are not. The emoji and full-width names sort
 * differently by code point than by UTF-16 unit.
 */
const NAMES = ['alpha', 'Alpha', 'café', 'cafe\u0301', '数据清洗', '😀 report', 'ｆｕｌｌ', '\u202eRTL'];

/** A template as the API returns it. */
interface ModelTemplate extends TemplateContent {
  readonly id: string;
  readonly revision: number;
  readonly created_by: string;
  readonly updated_by: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** What the service should store: the templates, and every ID the run created, deleted ones included. */
interface ApiModel {
  readonly templates: Map<string, ModelTemplate>;
  readonly ids: string[];
}

interface Real {
  readonly t: TestApp;
  readonly tokens: Record<UserKey, string>;
  /** The app's clock; each command moves it on by one second, so that timestamps are predictable and distinct. */
  readonly clock: { now: number };
}

/** An ID with the right form that no template has. */
const MISSING_ID = 'wf-tmpl-missing-000000';

/** Which template a command addresses: a stored one, any the run created (deleted ones included), or one that never existed. */
interface Target {
  readonly kind: 'stored' | 'created' | 'missing';
  readonly index: number;
}
type IfMatch = 'none' | 'current' | 'stale' | 'weak' | 'list' | 'any';

function resolveId(model: ApiModel, target: Target): string {
  let candidates: readonly string[] = [];
  if (target.kind === 'stored') {
    candidates = [...model.templates.keys()];
  } else if (target.kind === 'created') {
    candidates = model.ids;
  }
  return candidates.length === 0 ? MISSING_ID : (candidates[target.index % candidates.length] as string);
}

function showTarget(target: Target): string {
  return target.kind === 'missing' ? 'missing' : `${target.kind}[${target.index}]`;
}

function nowText(real: Real): string {
  return new Date(real.clock.now).toISOString();
}

/** Builds the If-Match header for a template at `revision`, or for a template that does not exist. */
function ifMatchHeader(choice: IfMatch, revision: number | undefined): Record<string, string> {
  const current = revision ?? 1;
  switch (choice) {
    case 'none':
      return {};
    case 'current':
      return { 'if-match': `"${current}"` };
    case 'stale':
      return { 'if-match': `"${current + 1}"` };
    case 'weak':
      return { 'if-match': `W/"${current}"` };
    case 'list':
      return { 'if-match': `"0", "${current}"` };
    case 'any':
      return { 'if-match': '*' };
  }
}

/** Tells whether If-Match lets a write to a template at `revision` through. */
function ifMatchHolds(choice: IfMatch): boolean {
  return choice !== 'stale' && choice !== 'weak';
}

function nameTaken(model: ApiModel, owner: TemplateContent, exceptId?: string): boolean {
  return [...model.templates.values()].some(
    (template) => template.id !== exceptId && template.scope === owner.scope && template.project_id === owner.project_id && template.name === owner.name,
  );
}

function expectStatus(response: LightMyRequestResponse, status: number, code?: string): void {
  expect(response.statusCode, response.body).toBe(status);
  if (code !== undefined) {
    expect(response.json().code).toBe(code);
  }
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/** Checks that the stored templates equal the model, read as an admin. */
async function expectSameState(model: ApiModel, real: Real): Promise<void> {
  const response = await real.t.request('GET', `${COLLECTION}?limit=1000&sort=name`);
  expectStatus(response, 200);
  const stored = (response.json().items as ModelTemplate[]).toSorted((a, b) => a.id.localeCompare(b.id));
  const expected = [...model.templates.values()].toSorted((a, b) => a.id.localeCompare(b.id));
  expect(stored).toStrictEqual(expected);
}

class CreateCommand implements fc.AsyncCommand<ApiModel, Real> {
  constructor(
    readonly user: UserKey,
    readonly body: JsonObject,
    readonly dryRun: boolean,
    readonly invalid: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ApiModel, real: Real): Promise<void> {
    real.clock.now += 1000;
    const caller = USERS[this.user];
    const body = this.invalid ? { ...this.body, bogus_field: true } : this.body;
    const response = await real.t.request('POST', COLLECTION, {
      token: real.tokens[this.user],
      body,
      ...(this.dryRun ? { query: { dry_run: 'true' } } : {}),
    });

    // Order of checks for a create: 422, then 403 for the target scope, then 409.
    const content = contentOfCreateBody(this.body);
    if (this.invalid) {
      expectStatus(response, 422, 'validation_failed');
      expect(response.json().errors.map((entry: { field: string }) => entry.field)).toContain('bogus_field');
    } else if (!mayWrite(caller, content)) {
      expectStatus(response, 403, 'forbidden');
    } else if (nameTaken(model, content)) {
      expectStatus(response, 409, 'name_conflict');
    } else {
      expectStatus(response, 201);
      const created = response.json() as ModelTemplate;
      const expected: ModelTemplate = {
        id: created.id,
        ...content,
        revision: 1,
        created_by: caller.sub,
        updated_by: caller.sub,
        created_at: nowText(real),
        updated_at: nowText(real),
      };
      expect(created).toStrictEqual(expected);
      expect(idFitsName(created.id, content.name), created.id).toBe(true);
      expect(response.headers.etag).toBe('"1"');
      expect(response.headers.location).toBe(this.dryRun ? undefined : `${COLLECTION}/${created.id}`);
      if (!this.dryRun) {
        model.templates.set(created.id, expected);
        model.ids.push(created.id);
      }
    }
    await expectSameState(model, real);
  }

  toString(): string {
    return `create(${this.user}${this.dryRun ? ', dry run' : ''}${this.invalid ? ', invalid' : ''}, ${show(this.body)})`;
  }
}

class GetCommand implements fc.AsyncCommand<ApiModel, Real> {
  constructor(
    readonly user: UserKey,
    readonly target: Target,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ApiModel, real: Real): Promise<void> {
    real.clock.now += 1000;
    const id = resolveId(model, this.target);
    const response = await real.t.request('GET', `${COLLECTION}/${id}`, { token: real.tokens[this.user] });
    const template = model.templates.get(id);
    if (template === undefined || !mayRead(USERS[this.user], template)) {
      expectStatus(response, 404, 'not_found');
      return;
    }
    expectStatus(response, 200);
    expect(response.json()).toStrictEqual(template);
    expect(response.headers.etag).toBe(`"${template.revision}"`);
  }

  toString(): string {
    return `get(${this.user}, ${showTarget(this.target)})`;
  }
}

type SortChoice = 'name' | '-name' | 'created_at' | '-created_at' | 'updated_at' | '-updated_at';

interface ListFilter {
  readonly scope?: 'global' | 'project';
  readonly project_id?: string;
  readonly name?: string;
  readonly label_selector?: string;
}

/** Folds case as docs/api.md section 17 states it: NFC, lower, upper and lower case again, and final sigma as sigma. */
function foldCase(text: string): string {
  return text.normalize('NFC').toLowerCase().toUpperCase().toLowerCase().replaceAll('ς', 'σ');
}

/** Label selectors that the list command sends, each with the rule it stands for. */
const LABEL_SELECTORS: Readonly<Record<string, (labels: Readonly<Record<string, string>>) => boolean>> = {
  'team=data': (labels) => labels.team === 'data',
  'team==data': (labels) => labels.team === 'data',
  'team!=data': (labels) => labels.team !== 'data',
  team: (labels) => Object.hasOwn(labels, 'team'),
  '!team': (labels) => !Object.hasOwn(labels, 'team'),
  ' tier = batch , team ': (labels) => labels.tier === 'batch' && Object.hasOwn(labels, 'team'),
};

/** Tells whether a template passes the name and label filters of a list. */
function matchesSearch(template: ModelTemplate, filter: ListFilter): boolean {
  if (filter.name !== undefined && !foldCase(template.name).includes(foldCase(filter.name))) {
    return false;
  }
  const selector = filter.label_selector === undefined ? undefined : LABEL_SELECTORS[filter.label_selector];
  return selector === undefined || selector(template.labels);
}

function compareForSort(sort: SortChoice): (a: ModelTemplate, b: ModelTemplate) => number {
  const descending = sort.startsWith('-');
  const field = (descending ? sort.slice(1) : sort) as 'name' | 'created_at' | 'updated_at';
  return (a, b) => {
    const order = field === 'name' ? compareCodePoints(a.name, b.name) : a[field].localeCompare(b[field]);
    if (order !== 0) {
      return descending ? -order : order;
    }
    if (a.id === b.id) {
      return 0;
    }
    return a.id < b.id ? -1 : 1;
  };
}

class ListCommand implements fc.AsyncCommand<ApiModel, Real> {
  constructor(
    readonly user: UserKey,
    readonly filter: ListFilter,
    readonly sort: SortChoice,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ApiModel, real: Real): Promise<void> {
    real.clock.now += 1000;
    const caller = USERS[this.user];
    const query: Record<string, string> = { ...this.filter, sort: this.sort, limit: '1000' };
    const response = await real.t.request('GET', COLLECTION, { token: real.tokens[this.user], query });

    const { scope, project_id: projectId } = this.filter;
    if (scope === 'global' && projectId !== undefined) {
      expectStatus(response, 422, 'validation_failed');
      return;
    }
    if (projectId !== undefined && !caller.admin && !caller.projects.includes(projectId)) {
      expectStatus(response, 403, 'forbidden');
      return;
    }
    const expected = [...model.templates.values()]
      .filter((template) => mayRead(caller, template))
      .filter((template) => scope === undefined || template.scope === scope)
      .filter((template) => projectId === undefined || template.project_id === projectId)
      .filter((template) => matchesSearch(template, this.filter))
      .toSorted(compareForSort(this.sort));
    expectStatus(response, 200);
    expect(response.json()).toStrictEqual({ total: expected.length, items: expected });
  }

  toString(): string {
    return `list(${this.user}, ${JSON.stringify(this.filter)}, sort=${this.sort})`;
  }
}

class UpdateCommand implements fc.AsyncCommand<ApiModel, Real> {
  constructor(
    readonly user: UserKey,
    readonly target: Target,
    readonly body: JsonObject,
    readonly ifMatch: IfMatch,
    readonly dryRun: boolean,
    readonly invalid: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ApiModel, real: Real): Promise<void> {
    real.clock.now += 1000;
    const caller = USERS[this.user];
    const id = resolveId(model, this.target);
    const stored = model.templates.get(id);
    const body = this.invalid ? { ...this.body, bogus_field: true } : this.body;
    const response = await real.t.request('PUT', `${COLLECTION}/${id}`, {
      token: real.tokens[this.user],
      body,
      headers: ifMatchHeader(this.ifMatch, stored?.revision),
      ...(this.dryRun ? { query: { dry_run: 'true' } } : {}),
    });

    // Order of checks for an update: 404, 403 for the stored template, 412, 422, 403 for the target, 409.
    if (stored === undefined || !mayRead(caller, stored)) {
      expectStatus(response, 404, 'not_found');
    } else if (!mayWrite(caller, stored)) {
      expectStatus(response, 403, 'forbidden');
    } else if (!ifMatchHolds(this.ifMatch)) {
      expectStatus(response, 412, 'precondition_failed');
    } else if (this.invalid) {
      expectStatus(response, 422, 'validation_failed');
    } else {
      this.#expectAccepted(model, real, stored, response);
    }
    await expectSameState(model, real);
  }

  #expectAccepted(model: ApiModel, real: Real, stored: ModelTemplate, response: LightMyRequestResponse): void {
    const caller = USERS[this.user];
    const content = contentAfterUpdate(stored, this.body);
    if (!mayWrite(caller, content)) {
      expectStatus(response, 403, 'forbidden');
      return;
    }
    if (sameContent(stored, content)) {
      // An update that changes nothing keeps revision, ETag, updated_at and updated_by.
      expectStatus(response, 200);
      expect(response.json()).toStrictEqual(stored);
      expect(response.headers.etag).toBe(`"${stored.revision}"`);
      return;
    }
    if (nameTaken(model, content, stored.id)) {
      expectStatus(response, 409, 'name_conflict');
      return;
    }
    const next: ModelTemplate = {
      ...stored,
      ...content,
      revision: stored.revision + 1,
      updated_by: caller.sub,
      updated_at: nowText(real),
    };
    expectStatus(response, 200);
    expect(response.json()).toStrictEqual(next);
    expect(response.headers.etag).toBe(`"${next.revision}"`);
    if (!this.dryRun) {
      model.templates.set(stored.id, next);
    }
  }

  toString(): string {
    const flags = [this.dryRun ? 'dry run' : '', this.invalid ? 'invalid' : '', `If-Match ${this.ifMatch}`].filter(Boolean).join(', ');
    return `update(${this.user}, ${showTarget(this.target)}, ${flags}, ${show(this.body)})`;
  }
}

class DeleteCommand implements fc.AsyncCommand<ApiModel, Real> {
  constructor(
    readonly user: UserKey,
    readonly target: Target,
    readonly ifMatch: IfMatch,
    readonly dryRun: boolean,
  ) {}

  check(): boolean {
    return true;
  }

  async run(model: ApiModel, real: Real): Promise<void> {
    real.clock.now += 1000;
    const caller = USERS[this.user];
    const id = resolveId(model, this.target);
    const stored = model.templates.get(id);
    const response = await real.t.request('DELETE', `${COLLECTION}/${id}`, {
      token: real.tokens[this.user],
      headers: ifMatchHeader(this.ifMatch, stored?.revision),
      ...(this.dryRun ? { query: { dry_run: 'true' } } : {}),
    });

    if (stored === undefined || !mayRead(caller, stored)) {
      expectStatus(response, 404, 'not_found');
    } else if (!mayWrite(caller, stored)) {
      expectStatus(response, 403, 'forbidden');
    } else if (!ifMatchHolds(this.ifMatch)) {
      expectStatus(response, 412, 'precondition_failed');
    } else {
      expectStatus(response, 200);
      expect(response.json()).toStrictEqual({ message: `Job template ${id} deleted successfully` });
      if (!this.dryRun) {
        model.templates.delete(id);
      }
    }
    await expectSameState(model, real);
  }

  toString(): string {
    return `delete(${this.user}, ${showTarget(this.target)}, If-Match ${this.ifMatch}${this.dryRun ? ', dry run' : ''})`;
  }
}

/** Users weighted so that writes succeed often enough to build up state: admins and members of proj-a write most. */
const user = fc.constantFrom<UserKey>('admin', 'admin', 'memberA', 'memberA', 'memberB', 'memberAB', 'memberAB', 'outsider');
const target: fc.Arbitrary<Target> = fc.record({
  kind: fc.constantFrom<Target['kind']>('stored', 'stored', 'stored', 'stored', 'created', 'created', 'missing'),
  index: fc.nat({ max: 50 }),
});
const dryRun = fc.oneof({ arbitrary: fc.constant(false), weight: 6 }, { arbitrary: fc.constant(true), weight: 1 });
const invalid = fc.oneof({ arbitrary: fc.constant(false), weight: 9 }, { arbitrary: fc.constant(true), weight: 1 });
const ifMatch = fc.constantFrom<IfMatch>('none', 'none', 'current', 'current', 'stale', 'weak', 'list', 'any');
const names = fc.constantFrom(...NAMES);

/** Update bodies from small pools, so that many of them change nothing or only part of a template. */
const smallUpdateBody = fc.record(
  {
    name: names,
    ttl_seconds_after_finished: fc.constantFrom(3600, 60, null),
    backoff_limit: fc.constantFrom(3, 5, null),
    description: fc.constantFrom(null, '', 'nightly'),
    labels: fc.constantFrom<JsonObject | null>({}, null, { team: 'data' }, { team: 'data', tier: 'batch' }, { tier: 'batch', team: 'data' }),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<JsonObject>;

/** Owners of new templates, weighted towards the projects that members may write. */
const createOwner = fc.constantFrom<JsonObject>(
  { scope: 'global' },
  { project_id: 'proj-a' },
  { scope: 'project', project_id: 'proj-a' },
  { scope: 'project', project_id: 'proj-a' },
  { scope: 'project', project_id: 'proj-b' },
  { scope: 'project', project_id: 'proj-c' },
);

const createCommand = fc
  .tuple(user, validCreateBody({ names, projects: PROJECT_IDS }), createOwner, dryRun, invalid)
  .map(([who, body, owner, dry, bad]) => {
    const { scope: _scope, project_id: _projectId, ...fields } = body;
    return new CreateCommand(who, { ...fields, ...owner }, dry, bad);
  });

const updateCommand = fc
  .tuple(user, target, fc.oneof(validUpdateBody({ names, projects: PROJECT_IDS }), smallUpdateBody), ifMatch, dryRun, invalid)
  .map(([who, where, body, match, dry, bad]) => new UpdateCommand(who, where, body, match, dry, bad));

/** Creates appear three times and updates twice, so that sequences build up templates and change them more often than they read. */
const commandArbitraries = [
  createCommand,
  createCommand,
  createCommand,
  updateCommand,
  updateCommand,
  fc.tuple(user, target).map(([who, where]) => new GetCommand(who, where)),
  fc
    .tuple(
      user,
      fc.oneof(
        fc.constant({}),
        fc.constantFrom<ListFilter>({ scope: 'global' }, { scope: 'project' }),
        fc.constantFrom(...PROJECT_IDS).map((project): ListFilter => ({ project_id: project })),
        fc.constantFrom(...PROJECT_IDS).map((project): ListFilter => ({ scope: 'project', project_id: project })),
        fc.constantFrom(...PROJECT_IDS).map((project): ListFilter => ({ scope: 'global', project_id: project })),
        fc.constantFrom('alp', 'ALPHA', 'CAFÉ', 'cafe\u0301', 'É', '数据', '😀', 'ＦＵＬＬ', '%', '_', '').map((name): ListFilter => ({ name })),
        fc.constantFrom(...Object.keys(LABEL_SELECTORS)).map((selector): ListFilter => ({ label_selector: selector })),
      ),
      fc.constantFrom<SortChoice>('name', '-name', 'created_at', '-created_at', 'updated_at', '-updated_at'),
    )
    .map(([who, filter, sort]) => new ListCommand(who, filter, sort)),
  fc.tuple(user, target, ifMatch, dryRun).map(([who, where, match, dry]) => new DeleteCommand(who, where, match, dry)),
];

describe('API model', () => {
  let real: Real;

  beforeAll(async () => {
    const clock = { now: Date.parse('2030-01-01T00:00:00.000Z') };
    const t = await createTestApp({ now: () => new Date(clock.now) });
    const memberAB = await signToken({ sub: USERS.memberAB.sub, roles: [], projects: [...USERS.memberAB.projects] });
    real = { t, clock, tokens: { ...t.tokens, memberAB } };
  });
  afterAll(async () => {
    await real.t.close();
  });

  /** Deletes every template, so that each run starts from an empty service like its model. */
  async function emptyService(): Promise<void> {
    const listed = await real.t.request('GET', `${COLLECTION}?limit=1000`);
    for (const template of listed.json().items as { id: string }[]) {
      const deleted = await real.t.request('DELETE', `${COLLECTION}/${template.id}`);
      expect(deleted.statusCode).toBe(200);
    }
  }

  it('service agrees with model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commandArbitraries, { maxCommands: MAX_COMMANDS, size: 'max' }), async (commands) => {
        await emptyService();
        await fc.asyncModelRun(() => ({ model: { templates: new Map(), ids: [] }, real }), commands);
      }),
      { numRuns: RUNS },
    );
  }, 120_000);
});
