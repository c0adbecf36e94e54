/**
 * Summarises a V8 CPU profile (`.cpuprofile`, as written by `node --cpu-prof`):
 * self time by package or source folder, and the functions with the most self
 * time. Usage: `npx tsx bench/profile-summary.ts FILE [--top N]`.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Names the package or source folder of a script URL: `fastify`, `src/http`, `node:internal`… */
export function groupOf(url: string, functionName: string): string {
  if (url === '') {
    return functionName === '(garbage collector)' || functionName === '(idle)' || functionName === '(program)' ? functionName : '(native)';
  }
  if (url.startsWith('node:')) {
    return 'node';
  }
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const source = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (source !== null) {
    const parts = source[2]!.split('/');
    return parts.length > 1 ? `${source[1]}/${parts[0]}` : source[1]!;
  }
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules !== -1) {
    return url.slice(modules + '/node_modules/'.length);
  }
  const source = /\/((?:src|bench|test)\/.*)$/.exec(url);
  return source === null ? url : source[1]!;
}

function main(): void {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '30' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    process.stderr.write('Usage: npx tsx bench/profile-summary.ts FILE.cpuprofile [--top N]\n');
    process.exitCode = 2;
    return;
  }

  const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  for (let index = 0; index < profile.samples.length; index += 1) {
    const id = profile.samples[index]!;
    selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  }

  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...selfMicros].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((sum, [, value]) => sum + value, 0);
  const busy = total - idle;

  const groups = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, micros] of selfMicros) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') {
      continue;
    }
    const group = groupOf(url, functionName);
    groups.set(group, (groups.get(group) ?? 0) + micros);
    const key = `${functionName || '(anonymous)'} ${url === '' ? '' : `${shortUrl(url)}:${lineNumber + 1}`}`.trim();
    functions.set(key, (functions.get(key) ?? 0) + micros);
  }

  const percent = (micros: number) => `${((100 * micros) / busy).toFixed(1).padStart(5)} %`;
  const top = Number(values.top);
  const lines = [
    `Profile of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s. Shares of the busy time.`,
    '',
    'Self time by package or folder:',
    ...[...groups].sort((a, b) => b[1] - a[1]).slice(0, top).map(([group, micros]) => `${percent(micros)}  ${group}`),
    '',
    'Functions with the most self time:',
    ...[...functions].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, micros]) => `${percent(micros)}  ${name}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main();
