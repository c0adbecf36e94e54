import { defineConfig } from 'vitest/config';

const databaseUrl = process.env.TEST_DATABASE_URL;
if ((databaseUrl === undefined || databaseUrl === '') && process.env.REQUIRE_TEST_DATABASE === '1') {
  throw new Error('REQUIRE_TEST_DATABASE=1 but TEST_DATABASE_URL is not set: the PostgreSQL suites are mandatory here.');
}
const postgresEnabled = databaseUrl !== undefined && databaseUrl !== '';
// Vitest evaluates this file once per project as well, so the notice is printed only the first time.
const NOTICE_PRINTED = Symbol.for('job-templates.postgres-skip-notice');
if (!postgresEnabled && !(globalThis as Record<symbol, unknown>)[NOTICE_PRINTED]) {
  (globalThis as Record<symbol, unknown>)[NOTICE_PRINTED] = true;
  console.warn(
    '\n[tests] SKIPPED: the PostgreSQL run of the store, API, property, system and CLI suites (test/store, test/http, test/property, test/system and the PostgreSQL cases of test/cli). Set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to run it.\n',
  );
}

/** Suites that talk to a store, run once per store. */
const STORE_SUITES = ['test/http/**/*.test.ts', 'test/property/**/*.test.ts', 'test/store/**/*.test.ts', 'test/system/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true as const,
        test: { name: 'sqlite', include: ['test/**/*.test.ts'], env: { TEST_STORE: 'sqlite' } },
      },
      ...(postgresEnabled
        ? [{ extends: true as const, test: { name: 'postgres', include: STORE_SUITES, env: { TEST_STORE: 'postgres' } } }]
        : []),
    ],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // The entry point only runs in child processes (test/system), which V8 coverage does not see.
      exclude: ['src/main.ts'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 90 },
    },
  },
});
