import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { createCase, updateCase } from './generators.js';
import { ApiChecker, injectClient } from './invariants.js';

/** Runs per property: enough to meet every mutation kind many times, few enough to finish in seconds. */
const RUNS = 200;

describe('API invariants', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('create keeps invariants', async () => {
    const checker = new ApiChecker(injectClient(t.app), t.tokens.admin, 'user-admin');

    await fc.assert(
      fc.asyncProperty(createCase(), (apiCase) => checker.run(apiCase)),
      { numRuns: RUNS },
    );

    // The generated bodies must reach both outcomes, or the invariants were checked on one side only.
    expect(checker.statistics.statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect(checker.statistics.statuses.get(422) ?? 0).toBeGreaterThan(0);
  }, 60_000);

  it('update keeps invariants', async () => {
    const checker = new ApiChecker(injectClient(t.app), t.tokens.admin, 'user-admin');

    await fc.assert(
      fc.asyncProperty(updateCase(), (apiCase) => checker.run(apiCase)),
      { numRuns: RUNS },
    );

    expect(checker.statistics.statuses.get(200) ?? 0).toBeGreaterThan(0);
    expect(checker.statistics.statuses.get(412) ?? 0).toBeGreaterThan(0);
    expect(checker.statistics.statuses.get(422) ?? 0).toBeGreaterThan(0);
  }, 60_000);
});
