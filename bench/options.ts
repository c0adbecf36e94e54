/** Command-line options of `npm run bench`. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = ['get', 'list-project', 'list-all', 'search', 'create', 'update', 'mixed'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  /** Templates seeded before the main table. */
  readonly templates: number;
  /** Measured seconds per run. */
  readonly duration: number;
  /** Unmeasured seconds before each run. */
  readonly warmup: number;
  readonly connections: number;
  readonly scenarios: readonly ScenarioName[];
  /** Also runs list-project, list-all and search at 1,000 and 100,000 templates. */
  readonly scale: boolean;
  /** Folder where the service writes one CPU profile per suite, or undefined for none. */
  readonly cpuProfileDir: string | undefined;
}

export const USAGE = `Usage: npm run bench -- [options]

Seeds a fresh database, starts the service on 127.0.0.1 and measures it with
autocannon, alternating with a bare node:http server that returns the same
bytes from memory. Prints Markdown tables to standard output.

Options:
  --templates N      templates to seed (default 10000)
  --duration S       measured seconds per run (default 5)
  --warmup S         unmeasured seconds before each run (default 1)
  --connections C    concurrent connections (default 32)
  --scenarios LIST   comma-separated subset of ${SCENARIO_NAMES.join(', ')} (default all)
  --scale            also run list-project, list-all and search at 1,000 and 100,000
                     templates
  --cpu-prof DIR     profile the service (node --cpu-prof) and write its .cpuprofile
                     files to DIR; summarise one with
                     npx tsx bench/profile-summary.ts FILE
  --help             print this text

Environment:
  DATABASE_URL=postgres://...  benchmark PostgreSQL in a new schema that is dropped afterwards;
                               without it the service uses a SQLite file in a temporary folder.
  SQLITE_SYNCHRONOUS, SQLITE_BUSY_TIMEOUT_MS, PG_POOL_SIZE, PG_STATEMENT_TIMEOUT_MS,
  PG_CONNECTION_TIMEOUT_MS, RATE_LIMIT_PER_MINUTE
                               passed on to the service when set. RATE_LIMIT_PER_MINUTE
                               is 1000000 otherwise, because every request uses one token.
`;

/** Raised for invalid command-line options. The message names the option and the accepted values. */
export class OptionsError extends Error {
  override name = 'OptionsError';
}

function parseNumber(option: string, text: string, min: number, max: number, integer: boolean): number {
  const value = Number(text);
  const valid = text.trim() !== '' && Number.isFinite(value) && (!integer || Number.isInteger(value)) && value >= min && value <= max;
  if (!valid) {
    throw new OptionsError(`--${option} ${JSON.stringify(text)} is invalid: use ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}.`);
  }
  return value;
}

function parseScenarios(text: string): ScenarioName[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  if (names.length === 0) {
    throw new OptionsError(`--scenarios is empty: use a comma-separated list of ${SCENARIO_NAMES.join(', ')}.`);
  }
  for (const name of names) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new OptionsError(`--scenarios contains the unknown scenario ${JSON.stringify(name)}: use ${SCENARIO_NAMES.join(', ')}.`);
    }
  }
  return [...new Set(names)] as ScenarioName[];
}

function parseDirectory(option: string, text: string | undefined): string | undefined {
  if (text === undefined) {
    return undefined;
  }
  if (text.trim() === '') {
    throw new OptionsError(`--${option} is empty: give the folder to write to.`);
  }
  return resolve(text);
}

/** Parses the arguments after `npm run bench --`, and returns undefined when --help was given. */
export function parseOptions(args: readonly string[]): BenchOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        templates: { type: 'string', default: '10000' },
        duration: { type: 'string', default: '5' },
        warmup: { type: 'string', default: '1' },
        connections: { type: 'string', default: '32' },
        scenarios: { type: 'string', default: SCENARIO_NAMES.join(',') },
        scale: { type: 'boolean', default: false },
        'cpu-prof': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    return undefined;
  }
  return {
    templates: parseNumber('templates', values.templates, 1, 10_000_000, true),
    duration: parseNumber('duration', values.duration, 0.5, 3600, false),
    warmup: parseNumber('warmup', values.warmup, 0, 3600, false),
    connections: parseNumber('connections', values.connections, 1, 10_000, true),
    scenarios: parseScenarios(values.scenarios),
    scale: values.scale,
    cpuProfileDir: parseDirectory('cpu-prof', values['cpu-prof']),
  };
}
