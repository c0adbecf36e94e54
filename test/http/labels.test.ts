import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

/** `count` valid label pairs, `k0: v` to `k<count-1>: v`. */
function manyLabels(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, 'v']));
}

describe('job template labels', () => {
  let t: TestApp;
  let clock: number;

  beforeEach(async () => {
    clock = START;
    t = await createTestApp({ now: () => new Date(clock) });
  });
  afterEach(async () => {
    await t.close();
  });

  const url = (id: string) => `${COLLECTION}/${id}`;

  function fieldsOf(response: { json(): any }): string[] {
    return (response.json().errors as { field: string }[]).map((error) => error.field);
  }

  function codesOf(response: { json(): any }): string[] {
    return (response.json().errors as { code: string }[]).map((error) => error.code);
  }

  describe('stored and returned', () => {
    it('create returns and stores labels', async () => {
      const labels = { team: 'data', 'example.com/tier': 'batch', empty: '' };

      const created = await t.create(projectTemplate('labelled', { labels }));

      expect(created.labels).toEqual(labels);
      const fetched = await t.request('GET', url(created.id));
      expect(fetched.json().labels).toEqual(labels);
      const listed = await t.request('GET', COLLECTION);
      expect(listed.json().items[0].labels).toEqual(labels);
    });

    it('no labels is an empty object', async () => {
      const created = await t.create(projectTemplate('unlabelled'));

      expect(created.labels).toEqual({});
      expect((await t.request('GET', url(created.id))).json().labels).toEqual({});
    });

    it('null labels on create is none', async () => {
      const created = await t.create(projectTemplate('null-labels', { labels: null }));

      expect(created.labels).toEqual({});
    });

    it('empty labels object is none', async () => {
      const created = await t.create(projectTemplate('empty-labels', { labels: {} }));

      expect(created.labels).toEqual({});
    });

    it('object property names are ordinary keys', async () => {
      const labels = { constructor: 'a', toString: 'b', hasOwnProperty: 'c' };

      const created = await t.create(projectTemplate('prototype-names', { labels }));

      expect((await t.request('GET', url(created.id))).json().labels).toEqual(labels);
      const selected = await t.request('GET', `${COLLECTION}?label_selector=constructor=a,toString`);
      expect(selected.json().total).toBe(1);
    });

    it('64 pairs are accepted', async () => {
      const created = await t.create(projectTemplate('sixty-four', { labels: manyLabels(64) }));

      expect(Object.keys(created.labels)).toHaveLength(64);
      expect((await t.request('GET', url(created.id))).json().labels).toEqual(manyLabels(64));
    });

    it('longest key and value are accepted', async () => {
      const key = `${'p'.repeat(253)}/${'n'.repeat(63)}`;
      const labels = { [key]: 'v'.repeat(63) };

      const created = await t.create(projectTemplate('longest', { labels }));

      expect(created.labels).toEqual(labels);
      const selected = await t.request('GET', `${COLLECTION}?label_selector=${encodeURIComponent(`${key}=${'v'.repeat(63)}`)}`);
      expect(selected.json().total).toBe(1);
    });
  });

  describe('validation', () => {
    const longPrefix = `${'p'.repeat(254)}/name`;
    const longName = 'n'.repeat(64);

    it.each([
      ['bad key', 'labels["bad key"]', 'invalid_label_key'],
      ['', 'labels[""]', 'invalid_label_key'],
      ['-team', 'labels["-team"]', 'invalid_label_key'],
      ['team-', 'labels["team-"]', 'invalid_label_key'],
      ['.team', 'labels[".team"]', 'invalid_label_key'],
      ['_team', 'labels._team', 'invalid_label_key'],
      ['tëam', 'labels["tëam"]', 'invalid_label_key'],
      ['/team', 'labels["/team"]', 'invalid_label_key'],
      ['example.com/', 'labels["example.com/"]', 'invalid_label_key'],
      ['Example.com/team', 'labels["Example.com/team"]', 'invalid_label_key'],
      ['example..com/team', 'labels["example..com/team"]', 'invalid_label_key'],
      ['-example.com/team', 'labels["-example.com/team"]', 'invalid_label_key'],
      ['example_com/team', 'labels["example_com/team"]', 'invalid_label_key'],
      ['a/b/c', 'labels["a/b/c"]', 'invalid_label_key'],
      [longPrefix, `labels[${JSON.stringify(longPrefix)}]`, 'invalid_label_key'],
      [longName, `labels.${longName}`, 'invalid_label_key'],
      [`example.com/${longName}`, `labels["example.com/${longName}"]`, 'invalid_label_key'],
    ])('key %j is rejected', async (key, field, code) => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('bad-key', { labels: { [key]: 'x' } }) });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual([field]);
      expect(codesOf(response)).toEqual([code]);
    });

    it.each([
      ['a b', 'invalid_format'],
      ['-a', 'invalid_format'],
      ['a-', 'invalid_format'],
      ['.a', 'invalid_format'],
      ['a/b', 'invalid_format'],
      ['é', 'invalid_format'],
      ['v'.repeat(64), 'invalid_format'],
    ])('value %j is rejected', async (value, code) => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('bad-value', { labels: { team: value } }) });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['labels.team']);
      expect(codesOf(response)).toEqual([code]);
    });

    it.each([[1], [true], [null], [['a']], [{ a: 'b' }]])('value %j is not a string', async (value) => {
      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('non-string', { labels: { 'example.com/x': value } }),
      });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['labels["example.com/x"]']);
      expect(codesOf(response)).toEqual(['invalid_type']);
    });

    it.each([[[]], [['team']], ['team=data'], [7], [true]])('labels %j is not an object', async (labels) => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('not-object', { labels }) });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['labels']);
      expect(codesOf(response)).toEqual(['invalid_type']);
    });

    it('65 pairs are rejected once', async () => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('sixty-five', { labels: manyLabels(65) }) });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['labels']);
      expect(codesOf(response)).toEqual(['too_many_items']);
      expect(response.json().errors[0].message).toContain('64');
    });

    it('reports every failure at once', async () => {
      const response = await t.request('POST', COLLECTION, {
        body: projectTemplate('many-failures', { labels: { 'bad key': 'bad value', ok: 'fine', 'example.com/n': 5 } }),
      });

      expect(response.statusCode).toBe(422);
      expect(response.json().errors.map((error: { field: string; code: string }) => `${error.field} ${error.code}`).sort()).toEqual([
        'labels["bad key"] invalid_format',
        'labels["bad key"] invalid_label_key',
        'labels["example.com/n"] invalid_type',
      ]);
    });

    it('message names the key', async () => {
      const response = await t.request('POST', COLLECTION, { body: projectTemplate('message', { labels: { 'bad key': 'x' } }) });

      expect(response.json().errors[0].message).toContain('"bad key"');
    });

    it('update validates labels too', async () => {
      const created = await t.create(projectTemplate('update-invalid', { labels: { team: 'data' } }));

      const response = await t.request('PUT', url(created.id), { body: { labels: { 'bad key': 'x', team: 'a b' } } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['labels.team', 'labels["bad key"]']);
      expect((await t.request('GET', url(created.id))).json().labels).toEqual({ team: 'data' });
    });

    it('update rejects 65 pairs', async () => {
      const created = await t.create(projectTemplate('update-many'));

      const response = await t.request('PUT', url(created.id), { body: { labels: manyLabels(65) } });

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['labels']);
    });
  });

  describe('update', () => {
    it('replaces labels as a whole', async () => {
      const created = await t.create(projectTemplate('replace', { labels: { team: 'data', tier: 'batch' } }));

      const response = await t.request('PUT', url(created.id), { body: { labels: { owner: 'alice' } } });

      expect(response.statusCode).toBe(200);
      expect(response.json().labels).toEqual({ owner: 'alice' });
      expect((await t.request('GET', url(created.id))).json().labels).toEqual({ owner: 'alice' });
      expect((await t.request('GET', `${COLLECTION}?label_selector=team`)).json().total).toBe(0);
      expect((await t.request('GET', `${COLLECTION}?label_selector=owner=alice`)).json().total).toBe(1);
    });

    it('changes a value', async () => {
      const created = await t.create(projectTemplate('change-value', { labels: { team: 'data' } }));

      await t.request('PUT', url(created.id), { body: { labels: { team: 'web' } } });

      expect((await t.request('GET', `${COLLECTION}?label_selector=team=data`)).json().total).toBe(0);
      expect((await t.request('GET', `${COLLECTION}?label_selector=team=web`)).json().total).toBe(1);
    });

    it('null clears labels', async () => {
      const created = await t.create(projectTemplate('clear', { labels: { team: 'data' } }));

      const response = await t.request('PUT', url(created.id), { body: { labels: null } });

      expect(response.statusCode).toBe(200);
      expect(response.json().labels).toEqual({});
      expect(response.json().revision).toBe(2);
      expect((await t.request('GET', url(created.id))).json().labels).toEqual({});
      expect((await t.request('GET', `${COLLECTION}?label_selector=team`)).json().total).toBe(0);
    });

    it('empty object clears labels', async () => {
      const created = await t.create(projectTemplate('clear-empty', { labels: { team: 'data' } }));

      const response = await t.request('PUT', url(created.id), { body: { labels: {} } });

      expect(response.json().labels).toEqual({});
      expect((await t.request('GET', `${COLLECTION}?label_selector=!team`)).json().total).toBe(1);
    });

    it('absent labels are kept', async () => {
      const created = await t.create(projectTemplate('keep', { labels: { team: 'data' } }));

      const response = await t.request('PUT', url(created.id), { body: { description: 'changed' } });

      expect(response.json().labels).toEqual({ team: 'data' });
      expect((await t.request('GET', `${COLLECTION}?label_selector=team=data`)).json().total).toBe(1);
    });

    it('same labels in another order change nothing', async () => {
      const created = await t.create(projectTemplate('same-order', { labels: { a: '1', b: '2' } }));
      clock += 60_000;

      const response = await t.request('PUT', url(created.id), { body: { labels: { b: '2', a: '1' } } });

      expect(response.json()).toEqual(created);
      expect(response.headers.etag).toBe('"1"');
    });

    it('null on a template without labels changes nothing', async () => {
      const created = await t.create(projectTemplate('null-on-empty'));

      const response = await t.request('PUT', url(created.id), { body: { labels: null } });

      expect(response.json()).toEqual(created);
    });
  });

  describe('label_selector', () => {
    const ids: Record<string, string> = {};

    beforeEach(async () => {
      const bodies: Record<string, Record<string, unknown>> = {
        a: projectTemplate('a', { labels: { team: 'data', tier: 'batch' } }),
        b: projectTemplate('b', { labels: { team: 'web' } }),
        c: projectTemplate('c'),
        d: projectTemplate('d', { project_id: 'proj-b', labels: { team: 'data' } }),
        e: projectTemplate('e', { labels: { flag: '', tier: 'batch' } }),
        g: globalTemplate('g', { labels: { team: 'data', 'example.com/tier': 'gold' } }),
      };
      for (const [key, body] of Object.entries(bodies)) {
        clock += 1000;
        ids[key] = (await t.create(body)).id;
      }
    });

    async function select(selector: string, extra = '', token?: string): Promise<{ total: number; names: string[] }> {
      const query = `label_selector=${encodeURIComponent(selector)}&sort=name${extra}`;
      const response = await t.request('GET', `${COLLECTION}?${query}`, token === undefined ? {} : { token });
      expect(response.statusCode).toBe(200);
      const body = response.json();
      return { total: body.total, names: (body.items as { name: string }[]).map((item) => item.name) };
    }

    it.each([
      ['team=data', ['a', 'd', 'g']],
      ['team==data', ['a', 'd', 'g']],
      ['team!=data', ['b', 'c', 'e']],
      ['team', ['a', 'b', 'd', 'g']],
      ['!team', ['c', 'e']],
      ['team=data,tier=batch', ['a']],
      ['team=data, !tier', ['d', 'g']],
      [' team = data , tier ', ['a']],
      ['! tier', ['b', 'c', 'd', 'g']],
      ['tier=batch,team!=data', ['e']],
      ['example.com/tier=gold', ['g']],
      ['example.com/tier', ['g']],
      ['tier=gold', []],
      ['flag=', ['e']],
      ['flag==', ['e']],
      ['flag', ['e']],
      ['flag!=', ['a', 'b', 'c', 'd', 'g']],
      ['team=Data', []],
      ['missing', []],
      ['!missing', ['a', 'b', 'c', 'd', 'e', 'g']],
      ['team,!team', []],
      ['team=data,team=web', []],
      ['team=data,team=data', ['a', 'd', 'g']],
    ])('%j selects %j', async (selector, expected) => {
      const result = await select(selector);

      expect(result.names).toEqual(expected);
      expect(result.total).toBe(expected.length);
    });

    it('empty selector is no filter', async () => {
      const response = await t.request('GET', `${COLLECTION}?label_selector=`);

      expect(response.statusCode).toBe(200);
      expect(response.json().total).toBe(6);
    });

    it('blank selector is no filter', async () => {
      expect((await select('  ')).total).toBe(6);
    });

    it('combines with scope and project filters', async () => {
      expect((await select('team=data', '&scope=project')).names).toEqual(['a', 'd']);
      expect((await select('team=data', '&scope=global')).names).toEqual(['g']);
      expect((await select('team=data', '&project_id=proj-b')).names).toEqual(['d']);
      expect((await select('!team', '&project_id=proj-a')).names).toEqual(['c', 'e']);
    });

    it('combines with the name filter', async () => {
      await t.create(projectTemplate('data-team-extra', { labels: { team: 'data' } }));

      expect((await select('team=data', '&name=EXTRA')).names).toEqual(['data-team-extra']);
    });

    it('keeps visibility', async () => {
      expect(await select('team=data', '', t.tokens.memberA)).toEqual({ total: 2, names: ['a', 'g'] });
      expect(await select('team=data', '', t.tokens.memberB)).toEqual({ total: 2, names: ['d', 'g'] });
      expect(await select('team=data', '', t.tokens.outsider)).toEqual({ total: 1, names: ['g'] });
      expect(await select('!team', '', t.tokens.outsider)).toEqual({ total: 0, names: [] });
    });

    it('total counts before paging', async () => {
      const first = await select('team', '&limit=1');
      const rest = await select('team', '&limit=2&offset=1');

      expect(first).toEqual({ total: 4, names: ['a'] });
      expect(rest).toEqual({ total: 4, names: ['b', 'd'] });
    });

    it('total counts each template once', async () => {
      const result = await select('team,tier,!flag');

      expect(result).toEqual({ total: 1, names: ['a'] });
    });

    it('20 requirements are accepted', async () => {
      const selector = Array.from({ length: 20 }, (_, index) => (index === 0 ? 'team=data' : `!missing${index}`)).join(',');

      expect((await select(selector)).names).toEqual(['a', 'd', 'g']);
    });

    it.each([
      ['=x'],
      ['a=b=c'],
      ['!a=b'],
      ['!a!=b'],
      ['bad key'],
      ['team=bad value'],
      ['a!'],
      ['!'],
      ['a,'],
      [',a'],
      ['a,,b'],
      ['a=-b'],
      ['a in (b)'],
      ['a>1'],
      ['tëam'],
      [`${'n'.repeat(64)}=x`],
      [`${'p'.repeat(254)}/a`],
      [`team=${'v'.repeat(64)}`],
      [Array.from({ length: 21 }, (_, index) => `k${index}`).join(',')],
    ])('%j is 422', async (selector) => {
      const response = await t.request('GET', `${COLLECTION}?label_selector=${encodeURIComponent(selector)}`);

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['query.label_selector']);
      expect(codesOf(response)).toEqual(['invalid_label_selector']);
    });

    it('repeated selector is 422', async () => {
      const response = await t.request('GET', `${COLLECTION}?label_selector=team&label_selector=tier`);

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response)).toEqual(['query.label_selector']);
      expect(codesOf(response)).toEqual(['repeated_parameter']);
    });

    it('invalid selector is reported with other parameters', async () => {
      const response = await t.request('GET', `${COLLECTION}?label_selector=%3Dx&limit=0`);

      expect(response.statusCode).toBe(422);
      expect(fieldsOf(response).sort()).toEqual(['query.label_selector', 'query.limit']);
    });

    it('message names the malformed requirement', async () => {
      const response = await t.request('GET', `${COLLECTION}?label_selector=${encodeURIComponent('team, a=b=c')}`);

      expect(response.json().errors[0].message).toContain('"a=b=c"');
    });
  });
});
