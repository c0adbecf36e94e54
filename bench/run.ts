/**
 * `npm run bench`: seeds a fresh database, starts the service and measures
 * each scenario with autocannon between two runs of a bare node:http
 * baseline that returns the same bytes, then prints Markdown tables.
 * Progress goes to standard error, results to standard output.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { SignJWT } from 'jose';
import { redactPassword } from '../src/server.js';
import { startBaselineProcess, type BaselineProcess } from './baseline-process.js';
import { installSignalHandlers, releaseAll, wasInterrupted } from './cleanup.js';
import { chooseSearchTerms, loadRealTemplates } from './fixtures.js';
import { measureLoad, stopRunningLoad, type LoadSettings } from './load.js';
import { OptionsError, parseOptions, USAGE, type BenchOptions, type ScenarioName } from './options.js';
import { formatScaleComparison, formatSuite, type ScenarioRun, type SuiteResult } from './report.js';
import { RequestFactory, SCENARIO_MIX, type RequestKind } from './requests.js';
import { captureSamples } from './samples.js';
import { seedDatabase, STORE_CREATE_LIMIT, type DatabaseTarget } from './seed.js';
import { buildService, PASSED_ON_VARIABLES, SERVICE_DEFAULTS, startCommand, startServiceProcess } from './service-process.js';

/** Template counts of the --scale comparison. */
const SCALE_SIZES = [1_000, 100_000] as const;
const SCALE_SCENARIOS: readonly ScenarioName[] = ['list-project', 'list-all', 'search'];

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function databaseTarget(env: NodeJS.ProcessEnv): DatabaseTarget {
  const url = env.DATABASE_URL?.trim() ?? '';
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { kind: 'postgres', url };
  }
  if (url !== '') {
    log('DATABASE_URL is not a postgres:// URL, so it is ignored: the benchmark uses a SQLite file in a temporary folder.');
  }
  return { kind: 'sqlite' };
}

/** Signs the admin token that every load request carries, valid for a day. */
async function signAdminToken(secret: string): Promise<string> {
  return new SignJWT({ roles: ['admin'], projects: [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('bench-admin')
    .setIssuedAt()
    .setExpirationTime('24h')
    .sign(new TextEncoder().encode(secret));
}

/** Settings shared by every suite of one invocation. */
interface BenchContext {
  readonly options: BenchOptions;
  readonly target: DatabaseTarget;
  readonly baseline: BaselineProcess;
  readonly serviceEnv: Readonly<Record<string, string>>;
  readonly load: LoadSettings;
}

function describeTarget(target: DatabaseTarget): string {
  return target.kind === 'sqlite' ? 'SQLite' : `PostgreSQL at ${redactPassword(target.url)}`;
}

/** Measures each scenario against a running service, between two baseline runs of the same requests. */
async function measureScenarios(
  context: BenchContext,
  title: string,
  serviceUrl: string,
  factory: RequestFactory,
  scenarios: readonly ScenarioName[],
  variant?: string,
): Promise<ScenarioRun[]> {
  const runs: ScenarioRun[] = [];
  for (const scenario of scenarios) {
    if (wasInterrupted()) {
      break;
    }
    const name = variant === undefined ? scenario : `${scenario}, ${variant}`;
    const measureBaseline = () => measureLoad(context.baseline.baseUrl, () => factory.autocannonRequests(scenario, false), context.load);
    log(`${title}: ${name}: baseline…`);
    const baselineBefore = await measureBaseline();
    log(`${title}: ${name}: service…`);
    const result = await measureLoad(serviceUrl, () => factory.autocannonRequests(scenario, true), context.load, () => factory.finishServiceRun());
    log(`${title}: ${name}: baseline again…`);
    const baselineAfter = await measureBaseline();
    runs.push({ scenario, ...(variant === undefined ? {} : { variant }), baselineBefore, service: result, baselineAfter });
    log(
      `${title}: ${name}: ${result.requestsPerSecond.toFixed(0)} requests/s against ${baselineBefore.requestsPerSecond.toFixed(0)} and ${baselineAfter.requestsPerSecond.toFixed(0)} for the baseline.`,
    );
  }
  return runs;
}

/** The service variant that the scale comparison adds on SQLite: every list runs its queries. */
const NO_LIST_CACHE = { label: 'no list cache', env: { SQLITE_LIST_CACHE_PAGES: '0' } } as const;

/**
 * Seeds a database of `templates`, starts the service on it and measures the
 * scenarios in order. On SQLite, `uncachedScenarios` then run again against a
 * second service process with the list cache turned off.
 */
async function runSuite(
  context: BenchContext,
  title: string,
  templates: number,
  scenarios: readonly ScenarioName[],
  uncachedScenarios: readonly ScenarioName[] = [],
): Promise<SuiteResult> {
  const started = performance.now();
  const loadAverageAtStart = loadavg()[0]!;
  log(`${title}: seeding ${templates} templates (${templates > STORE_CREATE_LIMIT ? 'batched inserts' : 'store.create'})…`);
  const seeded = await seedDatabase(context.target, templates);
  log(`${title}: seeded in ${seeded.seconds.toFixed(1)} s at ${seeded.location}.`);
  try {
    const searchTerms = chooseSearchTerms(seeded.names);
    const factory = new RequestFactory({
      seededIds: seeded.ids,
      seedCount: templates,
      fixtures: loadRealTemplates(),
      searchTerms: searchTerms.terms,
    });
    const serviceEnv = { ...context.serviceEnv, ...seeded.serviceEnv };
    const service = await startServiceProcess(serviceEnv, context.options.cpuProfileDir);
    log(`${title}: service ready at ${service.baseUrl} (pid ${service.pid}).`);
    let samples: SuiteResult['samples'];
    let runs: ScenarioRun[];
    let servicePeakRssKiB: number | undefined;
    try {
      const kinds = new Set<RequestKind>(scenarios.flatMap((scenario) => SCENARIO_MIX[scenario].map(({ kind }) => kind)));
      samples = await captureSamples(service.baseUrl, context.load.headers.authorization!, factory, kinds);
      await context.baseline.setSamples(samples);
      runs = await measureScenarios(context, title, service.baseUrl, factory, scenarios);
      servicePeakRssKiB = service.peakRssKiB();
    } finally {
      await service.stop();
    }

    if (context.target.kind === 'sqlite' && uncachedScenarios.length > 0 && !wasInterrupted()) {
      const uncached = await startServiceProcess({ ...serviceEnv, ...NO_LIST_CACHE.env }, context.options.cpuProfileDir);
      log(`${title}: service with ${NO_LIST_CACHE.label} ready at ${uncached.baseUrl} (pid ${uncached.pid}).`);
      try {
        runs.push(...(await measureScenarios(context, title, uncached.baseUrl, factory, uncachedScenarios, NO_LIST_CACHE.label)));
      } finally {
        await uncached.stop();
      }
    }
    return {
      title,
      templates,
      seedMethod: seeded.method,
      seedSeconds: seeded.seconds,
      searchTerms,
      samples,
      runs,
      servicePeakRssKiB,
      loadAverages: [loadAverageAtStart, loadavg()[0]!],
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await seeded.drop();
  }
}

function formatHeader(context: BenchContext): string {
  const { options } = context;
  const cpuList = cpus();
  const settings = PASSED_ON_VARIABLES.filter((name) => context.serviceEnv[name] !== undefined).map((name) => `${name}=${context.serviceEnv[name]}`);
  return [
    `## Job Template service benchmark, ${new Date().toISOString()}`,
    '',
    `- Store: ${describeTarget(context.target)}. Service settings besides its defaults: ${settings.join(', ')}, LOG_LEVEL=warn.`,
    `- Service: \`node ${[...startCommand().nodeFlags, 'dist/main.js'].join(' ')}\`, compiled and started as \`npm start\` does.`,
    `- Machine: ${cpuList.length} × ${cpuList[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node.js ${process.version}. autocannon runs in this process and shares the CPUs with the servers.`,
    `- Load: ${options.connections} connections, ${options.warmup} s warm-up and ${options.duration} s measured per run; each scenario runs between two baseline runs of the same requests.`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let options: BenchOptions | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof OptionsError) {
      process.stderr.write(`${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  if (options === undefined) {
    process.stdout.write(USAGE);
    return;
  }

  const started = performance.now();
  installSignalHandlers(stopRunningLoad);
  log('compiling the service to dist/ as npm start does…');
  buildService();
  const secret = randomBytes(32).toString('hex');
  const serviceEnv: Record<string, string> = { AUTH_JWT_SECRET: secret, ...SERVICE_DEFAULTS };
  for (const name of PASSED_ON_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined && value.trim() !== '') {
      serviceEnv[name] = value;
    }
  }
  const target = databaseTarget(process.env);
  const baseline = await startBaselineProcess();
  const context: BenchContext = {
    options,
    target,
    baseline,
    serviceEnv,
    load: {
      connections: options.connections,
      duration: options.duration,
      warmup: options.warmup,
      headers: { authorization: `Bearer ${await signAdminToken(secret)}` },
    },
  };
  if (options.connections > options.templates) {
    log(`--connections ${options.connections} exceeds --templates ${options.templates}, so concurrent updates of one template, answered 412, will occur.`);
  }

  process.stdout.write(`${formatHeader(context)}\n`);
  const storeName = target.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
  const suite = await runSuite(context, `${storeName}, ${options.templates.toLocaleString('en-US')} templates`, options.templates, options.scenarios);
  process.stdout.write(`${formatSuite(suite)}\n`);

  if (options.scale && !wasInterrupted()) {
    const [smallSize, largeSize] = SCALE_SIZES;
    const small = await runSuite(context, `Scale, ${storeName}, ${smallSize.toLocaleString('en-US')} templates`, smallSize, SCALE_SCENARIOS, SCALE_SCENARIOS);
    process.stdout.write(`${formatSuite(small)}\n`);
    if (!wasInterrupted()) {
      const large = await runSuite(context, `Scale, ${storeName}, ${largeSize.toLocaleString('en-US')} templates`, largeSize, SCALE_SCENARIOS, SCALE_SCENARIOS);
      process.stdout.write(`${formatSuite(large)}\n${formatScaleComparison(small, large)}\n`);
    }
  }
  process.stdout.write(`The whole run took ${((performance.now() - started) / 1000).toFixed(1)} s.\n`);
}

try {
  await main();
} catch (error) {
  if (!wasInterrupted()) {
    process.stderr.write(`[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
} finally {
  if (!wasInterrupted()) {
    await releaseAll();
  }
}
