import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldCase } from '../../src/domain/case-folding.js';
import type { ListQuery, TemplateStore } from '../../src/store/template-store.js';
import { storedTemplate } from '../helpers/stored-template.js';
import { createTestDatabase, TEST_STORE_KIND, type TestDatabase } from '../helpers/test-store.js';

/** Characters that matter to a substring search: LIKE and GLOB wildcards, quotes, case pairs, non-Latin scripts, astral characters. */
const CHARACTERS = ['a', 'b', 'A', 'B', '-', '_', '%', '*', '?', '[', ']', '"', "'", '\\', ' ', 'ß', 'ς', 'Σ', '数', '据', '😀', 'é'];

const text = (minLength: number, maxLength: number) =>
  fc.array(fc.constantFrom(...CHARACTERS), { minLength, maxLength }).map((characters) => characters.join(''));

function searchQuery(term: string): ListQuery {
  return { filter: { nameContains: foldCase(term), visibility: { kind: 'all' } }, sort: { field: 'name', descending: false }, limit: 1000, offset: 0 };
}

describe(`name search on ${TEST_STORE_KIND}`, () => {
  let database: TestDatabase;
  let store: TemplateStore;
  let runNumber = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    store = await database.openStore();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('search matches containing names after renames', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(text(1, 8), { minLength: 1, maxLength: 12 }),
        fc.array(text(1, 8), { maxLength: 4 }),
        fc.array(text(1, 4), { minLength: 1, maxLength: 6 }),
        async (names, renames, extraTerms) => {
          // Each run works in a project of its own, so that runs do not see each other's templates.
          runNumber += 1;
          const projectId = `proj-run-${runNumber}`;
          const expected = new Map<string, string>();
          for (const [index, name] of names.entries()) {
            const id = `wf-tmpl-run${runNumber}-${index}`;
            await store.create(storedTemplate(id, { name, project_id: projectId }));
            expected.set(id, name);
          }
          for (const [index, name] of renames.entries()) {
            const id = `wf-tmpl-run${runNumber}-${index % names.length}`;
            if ([...expected.values()].includes(name)) {
              continue;
            }
            const revision = index + 2;
            await store.update(storedTemplate(id, { name, project_id: projectId, revision }), (await store.getById(id))!.revision);
            expected.set(id, name);
          }
          const deleted = `wf-tmpl-run${runNumber}-0`;
          await store.delete(deleted);
          expected.delete(deleted);

          const terms = [...extraTerms, ...[...names, ...renames].map((name) => [...name].slice(1, 5).join('')).filter((term) => term !== '')];
          for (const term of terms) {
            const page = await store.listJson({ ...searchQuery(term), filter: { ...searchQuery(term).filter, projectId } });
            const found = page.items.map((json) => (JSON.parse(json) as { id: string }).id).sort();
            const matching = [...expected].filter(([, name]) => foldCase(name).includes(foldCase(term))).map(([id]) => id).sort();
            expect(found, `term ${JSON.stringify(term)}`).toEqual(matching);
            expect(page.total, `total for ${JSON.stringify(term)}`).toBe(matching.length);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe.runIf(TEST_STORE_KIND === 'sqlite')('trigram index on sqlite', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database.drop();
  });

  it('long term reads the trigram index', async () => {
    const store = await database.openStore();
    await store.create(storedTemplate('wf-tmpl-report-000001', { name: 'nightly-report' }));

    // Removing the trigrams behind the store's back shows whether a search consults them.
    const connection = new BetterSqlite3(database.sqlitePath!);
    connection.prepare('delete from job_template_name_search').run();
    connection.close();

    expect((await store.listJson(searchQuery('report'))).total).toBe(0);
    expect((await store.listJson(searchQuery('re'))).total).toBe(1);
  });
});
