/**
 * Sends generated job template requests (valid and mutated bodies, see
 * test/property/generators.ts) to the service and checks the invariants of
 * test/property/invariants.ts after each one. It runs an in-process app on a
 * fresh SQLite database by default, on PostgreSQL with TEST_STORE=postgres
 * and TEST_DATABASE_URL, or against a running server with --url.
 *
 * Prints progress and a summary, and exits with 1 when an invariant fails,
 * after fast-check has shrunk the failing case.
 */
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { createTestApp, type TestApp } from '../test/helpers/test-app.js';
import { signToken } from '../test/helpers/tokens.js';
import { apiCase } from '../test/property/generators.js';
import { ApiChecker, fetchClient, injectClient, type HttpClient } from '../test/property/invariants.js';

const HELP = `Usage: npm run fuzz -- [options]

Sends generated job template requests to the service and checks invariants
after each one: no 5xx, problem documents complete, a 201 or 200 stored
exactly what it returned, a 4xx changed nothing, a 422 names each invalid field.

Options:
  --requests N   Generated requests to send (default 100000). Each one also
                 sends a few reads that verify it.
  --seed N       fast-check seed, to repeat a run (default: random, printed).
  --url URL      Fuzz a running server on this machine (loopback only), for
                 example http://127.0.0.1:8080. Needs AUTH_JWT_SECRET, the
                 server's HS256 secret, to sign an admin token. Start the
                 server with RATE_LIMIT_PER_MINUTE=0, because its default
                 limit rejects most of the requests with 429. Without --url
                 the fuzzer runs the app in-process on a new database:
                 SQLite, or PostgreSQL with TEST_STORE=postgres and
                 TEST_DATABASE_URL.
  --help         Show this text.
`;

const ADMIN_SUB = 'fuzz-admin';
const PROGRESS_EVERY = 5000;

interface Target {
  readonly client: HttpClient;
  readonly token: string;
  readonly description: string;
  close(): Promise<void>;
}

function readOptions(): { requests: number; seed: number; url: string | undefined } {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string', default: '100000' },
      seed: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const requests = Number(values.requests);
  if (!Number.isInteger(requests) || requests < 1) {
    throw new Error(`--requests must be a positive integer, got ${JSON.stringify(values.requests)}.`);
  }
  const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new Error(`--seed must be an integer, got ${JSON.stringify(values.seed)}.`);
  }
  return { requests, seed, url: values.url };
}

async function openTarget(url: string | undefined): Promise<Target> {
  if (url === undefined) {
    const app: TestApp = await createTestApp();
    return {
      client: injectClient(app.app),
      token: await signToken({ sub: ADMIN_SUB, roles: ['admin'], projects: [] }),
      description: `in-process app on a new ${app.database.kind} database`,
      close: () => app.close(),
    };
  }
  const hostname = new URL(url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname)) {
    throw new Error(`--url must name a server on this machine (127.0.0.1, localhost or [::1]), not ${hostname}.`);
  }
  const secret = process.env.AUTH_JWT_SECRET;
  if (secret === undefined || secret === '') {
    throw new Error('--url needs AUTH_JWT_SECRET, the HS256 secret of the server, to sign an admin token.');
  }
  return {
    client: fetchClient(url),
    token: await signToken({ sub: ADMIN_SUB, roles: ['admin'], projects: [] }, secret),
    description: `server at ${url}`,
    close: async () => {},
  };
}

function formatHistogram(statuses: ReadonlyMap<number, number>): string {
  return [...statuses.entries()]
    .sort(([a], [b]) => a - b)
    .map(([status, count]) => `${status}: ${count}`)
    .join(', ');
}

async function main(): Promise<number> {
  const options = readOptions();
  const target = await openTarget(options.url);
  const checker = new ApiChecker(target.client, target.token, ADMIN_SUB);
  const started = performance.now();
  let generated = 0;
  let shrinking = false;

  console.log(`Fuzzing the ${target.description} with ${options.requests} generated requests, seed ${options.seed}.`);
  const property = fc.asyncProperty(apiCase(), async (apiCase) => {
    if (!shrinking) {
      generated += 1;
      if (generated % PROGRESS_EVERY === 0) {
        const seconds = (performance.now() - started) / 1000;
        console.log(`${generated} requests in ${seconds.toFixed(0)} s (${formatHistogram(checker.statistics.statuses)})`);
      }
    }
    try {
      await checker.run(apiCase);
    } catch (error) {
      if (!shrinking) {
        shrinking = true;
        console.log(`Invariant failed after ${generated} requests; shrinking the case.\n${(error as Error).message}`);
      }
      throw error;
    }
  });

  const result = await fc.check(property, { numRuns: options.requests, seed: options.seed, endOnFailure: false });
  const seconds = (performance.now() - started) / 1000;
  await target.close();

  console.log('\nSummary');
  console.log(`  generated requests: ${generated}`);
  console.log(`  all requests, verifying reads included: ${checker.statistics.requests}`);
  console.log(`  duration: ${seconds.toFixed(1)} s`);
  console.log(`  status codes of the generated requests: ${formatHistogram(checker.statistics.statuses)}`);
  if (!result.failed) {
    console.log('  invariant failures: 0');
    return 0;
  }
  console.log('  invariant failures: 1 (the run stops at the first)');
  console.log(`  shrunk counterexample (${result.numShrinks} shrinks): ${fc.stringify(result.counterexample)}`);
  console.log(`  failure: ${result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance)}`);
  console.log(`  repeat with: npm run fuzz -- --requests ${options.requests} --seed ${options.seed}`);
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
