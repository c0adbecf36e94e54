import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LISTED_ERRORS } from '../../src/errors/api-error.js';
import { COLLECTION, CTR, createTestApp, projectTemplate, type TestApp } from '../helpers/test-app.js';

describe('oversized bodies', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('too many containers is one failure with the count', async () => {
    const response = await t.request('POST', COLLECTION, { body: projectTemplate('many', { containers: Array.from({ length: 50_000 }, () => ({})) }) });
    expect(response.statusCode).toBe(422);
    const errors = response.json().errors as { field: string; code: string; message: string }[];
    expect(errors.find((error) => error.field === 'containers')).toMatchObject({ code: 'too_many_items' });
    expect(errors.find((error) => error.field === 'containers')?.message).toContain('50000');
    expect(errors.length).toBeLessThanOrEqual(MAX_LISTED_ERRORS);
  });

  it('too many invalid labels lists at most the cap', async () => {
    const labels = Object.fromEntries(Array.from({ length: 20_000 }, (_, index) => [`k${index}!`, 'v!']));
    const response = await t.request('POST', COLLECTION, { body: projectTemplate('labels', { labels }) });
    expect(response.statusCode).toBe(422);
    const body = response.json();
    expect(body.errors.find((error: { field: string }) => error.field === 'labels')).toMatchObject({ code: 'too_many_items' });
    expect(body.errors.length).toBeLessThanOrEqual(MAX_LISTED_ERRORS);
  });

  it('thousands of unknown fields list the first hundred and count all', async () => {
    const container = { ...CTR, ...Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`unknown${index}`, 1])) };
    const response = await t.request('POST', COLLECTION, { body: projectTemplate('unknown', { containers: [container] }) });
    expect(response.statusCode).toBe(422);
    const body = response.json();
    expect(body.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(body.detail).toContain('5000 problem(s)');
    expect(body.detail).toContain(`Only the first ${MAX_LISTED_ERRORS} are listed`);
  });
});
