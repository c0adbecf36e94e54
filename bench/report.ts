/** Markdown tables of the benchmark results, written to standard output. */
import { availableParallelism } from 'node:os';
import type { SearchTerms } from './fixtures.js';
import type { LoadResult } from './load.js';
import type { ScenarioName } from './options.js';
import type { RequestKind } from './requests.js';
import type { CapturedResponse } from './samples.js';

/** One scenario measured between two baseline runs of the same request mix. */
export interface ScenarioRun {
  readonly scenario: ScenarioName;
  /** The service variant, such as "no list cache"; undefined for the service with its defaults. */
  readonly variant?: string;
  readonly baselineBefore: LoadResult;
  readonly service: LoadResult;
  readonly baselineAfter: LoadResult;
}

/** Everything measured against one seeded database. */
export interface SuiteResult {
  readonly title: string;
  readonly templates: number;
  readonly seedMethod: string;
  readonly seedSeconds: number;
  readonly searchTerms: SearchTerms;
  readonly samples: ReadonlyMap<RequestKind, CapturedResponse>;
  readonly runs: readonly ScenarioRun[];
  /** The machine's 1-minute load average when the suite started and when it ended, to spot other busy processes. */
  readonly loadAverages: readonly [number, number];
  /** VmHWM of the service process at the end, in KiB. */
  readonly servicePeakRssKiB: number | undefined;
  readonly seconds: number;
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatRate(value: number): string {
  return integer.format(value);
}

function formatRatio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : 'n/a';
}

function formatMs(value: number): string {
  return value.toFixed(value < 10 ? 2 : 1);
}

function formatMiB(kib: number | undefined): string {
  return kib === undefined ? 'unknown (no /proc)' : `${(kib / 1024).toFixed(1)} MiB`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, index) => (index === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    lines.push(`| ${row.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** Names a run in the tables: its scenario, and its variant when there is one. */
export function runName(run: ScenarioRun): string {
  return run.variant === undefined ? run.scenario : `${run.scenario}, ${run.variant}`;
}

/** Divides the service's throughput by the mean of the two baseline runs around it. */
export function ratioToBaselineMean(run: ScenarioRun): number {
  return run.service.requestsPerSecond / ((run.baselineBefore.requestsPerSecond + run.baselineAfter.requestsPerSecond) / 2);
}

function resultsTable(runs: readonly ScenarioRun[]): string {
  return table(
    [
      'scenario',
      'requests/s',
      'baseline requests/s (run before)',
      'ratio',
      'baseline requests/s (mean of before and after)',
      'ratio to mean',
      'p50 ms',
      'p99 ms',
      'non-2xx',
      'of which 412',
      'socket errors',
    ],
    runs.map((run) => {
      const baselineMean = (run.baselineBefore.requestsPerSecond + run.baselineAfter.requestsPerSecond) / 2;
      return [
        runName(run),
        formatRate(run.service.requestsPerSecond),
        formatRate(run.baselineBefore.requestsPerSecond),
        formatRatio(run.service.requestsPerSecond / run.baselineBefore.requestsPerSecond),
        formatRate(baselineMean),
        formatRatio(ratioToBaselineMean(run)),
        formatMs(run.service.p50Ms),
        formatMs(run.service.p99Ms),
        integer.format(run.service.non2xx),
        integer.format(run.service.statusCounts['412'] ?? 0),
        integer.format(run.service.errors + run.service.timeouts),
      ];
    }),
  );
}

function baselineTable(runs: readonly ScenarioRun[]): string {
  return table(
    ['baseline for', 'requests/s before', 'p50 ms before', 'p99 ms before', 'requests/s after', 'p50 ms after', 'p99 ms after'],
    runs.map((run) => [
      runName(run),
      formatRate(run.baselineBefore.requestsPerSecond),
      formatMs(run.baselineBefore.p50Ms),
      formatMs(run.baselineBefore.p99Ms),
      formatRate(run.baselineAfter.requestsPerSecond),
      formatMs(run.baselineAfter.p50Ms),
      formatMs(run.baselineAfter.p99Ms),
    ]),
  );
}

function samplesTable(samples: ReadonlyMap<RequestKind, CapturedResponse>): string {
  return table(
    ['request kind', 'status', 'body bytes', 'list total', 'list items'],
    [...samples].map(([kind, sample]) => [
      kind,
      String(sample.status),
      integer.format(sample.body.length),
      sample.listTotal === undefined ? '' : integer.format(sample.listTotal),
      sample.listItems === undefined ? '' : integer.format(sample.listItems),
    ]),
  );
}

/** Formats the tables and notes of one suite. */
export function formatSuite(suite: SuiteResult): string {
  const terms = suite.searchTerms;
  return [
    `### ${suite.title}`,
    '',
    `- Seeded ${integer.format(suite.templates)} templates in ${suite.seedSeconds.toFixed(1)} s (${suite.seedMethod}).`,
    `- Search terms: ${terms.terms.length} terms like \`${terms.terms[0]}\`, each matching ${integer.format(terms.minMatches)} to ${integer.format(terms.maxMatches)} templates, ${(terms.meanFraction * 100).toFixed(2)} % on average.`,
    `- Service peak RSS (VmHWM) at the end: ${formatMiB(suite.servicePeakRssKiB)}, with its default settings.`,
    `- 1-minute load average of the machine: ${suite.loadAverages[0].toFixed(1)} at the start, ${suite.loadAverages[1].toFixed(1)} at the end, on ${availableParallelism()} CPUs. A load well above the CPU count means other processes competed with the benchmark for CPU time.`,
    `- This part took ${suite.seconds.toFixed(1)} s.`,
    '',
    resultsTable(suite.runs),
    '',
    'Baseline runs (a bare node:http server returning the sample responses below from memory):',
    '',
    baselineTable(suite.runs),
    '',
    'Sample responses of the service, one request of each kind, which the baseline repeats:',
    '',
    samplesTable(suite.samples),
    '',
  ].join('\n');
}

/** Compares the scenarios that both suites ran: throughput and latency of the larger relative to the smaller. */
export function formatScaleComparison(small: SuiteResult, large: SuiteResult): string {
  const smallSize = integer.format(small.templates);
  const largeSize = integer.format(large.templates);
  const rows: string[][] = [];
  for (const smallRun of small.runs) {
    const largeRun = large.runs.find((run) => runName(run) === runName(smallRun));
    if (largeRun === undefined) {
      continue;
    }
    rows.push([
      runName(smallRun),
      formatRate(smallRun.service.requestsPerSecond),
      formatRate(largeRun.service.requestsPerSecond),
      formatRatio(smallRun.service.requestsPerSecond / largeRun.service.requestsPerSecond),
      formatRatio(ratioToBaselineMean(smallRun) / ratioToBaselineMean(largeRun)),
      formatMs(smallRun.service.p50Ms),
      formatMs(largeRun.service.p50Ms),
      formatRatio(largeRun.service.p50Ms / smallRun.service.p50Ms),
      formatMs(smallRun.service.p99Ms),
      formatMs(largeRun.service.p99Ms),
      formatRatio(largeRun.service.p99Ms / smallRun.service.p99Ms),
      formatRatio(ratioToBaselineMean(smallRun)),
      formatRatio(ratioToBaselineMean(largeRun)),
    ]);
  }
  return [
    `### Scale: ${smallSize} against ${largeSize} templates`,
    '',
    `Cost is the time a request takes at full load, the inverse of requests/s. The pages differ in size: a project has fewer templates at ${smallSize}, so its list page is shorter there (see the sample responses). The column relative to the baseline divides that difference out, because the baseline sends the same bytes as the service at each size.`,
    '',
    table(
      [
        'scenario',
        `requests/s at ${smallSize}`,
        `requests/s at ${largeSize}`,
        `cost ${largeSize} / ${smallSize}`,
        `cost ${largeSize} / ${smallSize}, each relative to its baseline`,
        `p50 ms at ${smallSize}`,
        `p50 ms at ${largeSize}`,
        `p50 ${largeSize} / ${smallSize}`,
        `p99 ms at ${smallSize}`,
        `p99 ms at ${largeSize}`,
        `p99 ${largeSize} / ${smallSize}`,
        `ratio to baseline at ${smallSize}`,
        `ratio to baseline at ${largeSize}`,
      ],
      rows,
    ),
    '',
  ].join('\n');
}
