/**
 * The templates the benchmark seeds and sends: copies of the real templates
 * in test/fixtures/real-templates with unique names, spread over 50 projects.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { foldCase } from '../src/domain/case-folding.js';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REAL_TEMPLATES_DIR = join(PROJECT_ROOT, 'test', 'fixtures', 'real-templates');

export const PROJECT_COUNT = 50;

/** A create-request body as the fixtures contain it. */
export interface CreateRequestBody {
  readonly name: string;
  readonly scope?: 'global' | 'project';
  readonly project_id?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly [field: string]: unknown;
}

/** Reads the real templates in file-name order. */
export function loadRealTemplates(): CreateRequestBody[] {
  const files = readdirSync(REAL_TEMPLATES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort();
  if (files.length === 0) {
    throw new Error(`No real templates found in ${REAL_TEMPLATES_DIR}: the benchmark needs its *.json create-request bodies.`);
  }
  return files.map((file) => JSON.parse(readFileSync(join(REAL_TEMPLATES_DIR, file), 'utf8')) as CreateRequestBody);
}

/** Returns the project ID `proj-00` … `proj-49` for an index. */
export function projectId(index: number): string {
  return `proj-${String(index % PROJECT_COUNT).padStart(2, '0')}`;
}

export const PROJECT_IDS: readonly string[] = Array.from({ length: PROJECT_COUNT }, (_, index) => projectId(index));

/**
 * Builds the body of seeded template `index`: real template `index` modulo the
 * fixture count, named `<name>-<index>`, labelled `team: team-<index % 10>`,
 * in project `projectId(index)` unless the fixture is global.
 */
export function seedBody(fixtures: readonly CreateRequestBody[], index: number): CreateRequestBody {
  const fixture = fixtures[index % fixtures.length]!;
  const body: Record<string, unknown> = {
    ...fixture,
    name: `${fixture.name}-${index}`,
    labels: { ...fixture.labels, team: `team-${index % 10}` },
  };
  if (fixture.scope === 'global') {
    delete body.project_id;
  } else {
    body.project_id = projectId(index);
  }
  return body as CreateRequestBody;
}

/** Returns a deterministic pseudo-random generator of numbers in [0, 1) (mulberry32), so that seeded data repeats from run to run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Search terms for the `search` scenario and the share of seeded names each matches. */
export interface SearchTerms {
  readonly terms: readonly string[];
  /** Mean share of seeded templates that one term matches, 0 to 1. */
  readonly meanFraction: number;
  readonly minMatches: number;
  readonly maxMatches: number;
}

const SEARCH_TARGET_FRACTION = 0.01;
const SEARCH_TERMS_PER_LENGTH = 40;

/**
 * Chooses `name=` search terms of the form `-<digits>` that match about 1 %
 * of the seeded names. Seeded names end in `-<index>`, so a term with k
 * digits matches the indexes that start with those digits. The digit count
 * whose measured mean share is closest to 1 % on a log scale wins, and terms
 * that match nothing are dropped.
 */
export function chooseSearchTerms(names: readonly string[]): SearchTerms {
  const folded = names.map((name) => foldCase(name));
  const maxDigits = String(Math.max(names.length - 1, 1)).length;
  const random = seededRandom(42);
  let best: SearchTerms | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;

  for (let digits = 1; digits <= maxDigits; digits += 1) {
    const low = digits === 1 ? 1 : 10 ** (digits - 1);
    const high = Math.min(10 ** digits - 1, names.length - 1);
    if (high < low) {
      continue;
    }
    const candidates = new Set<number>();
    for (let attempt = 0; attempt < SEARCH_TERMS_PER_LENGTH * 4 && candidates.size < SEARCH_TERMS_PER_LENGTH; attempt += 1) {
      candidates.add(low + Math.floor(random() * (high - low + 1)));
    }
    const terms: string[] = [];
    const counts: number[] = [];
    for (const number of candidates) {
      const term = `-${number}`;
      let matches = 0;
      for (const name of folded) {
        if (name.includes(term)) {
          matches += 1;
        }
      }
      if (matches > 0) {
        terms.push(term);
        counts.push(matches);
      }
    }
    if (terms.length === 0) {
      continue;
    }
    const meanFraction = counts.reduce((sum, count) => sum + count, 0) / counts.length / names.length;
    const distance = Math.abs(Math.log(meanFraction / SEARCH_TARGET_FRACTION));
    if (distance < bestDistance) {
      bestDistance = distance;
      best = { terms, meanFraction, minMatches: Math.min(...counts), maxMatches: Math.max(...counts) };
    }
  }
  if (best === undefined) {
    throw new Error(`No search term of the form -<digits> matches any of the ${names.length} seeded names.`);
  }
  return best;
}
