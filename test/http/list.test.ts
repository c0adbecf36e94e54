import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COLLECTION, createTestApp, globalTemplate, projectTemplate, type TestApp } from '../helpers/test-app.js';

const START = Date.parse('2026-03-01T10:00:00.000Z');

describe('GET job template list', () => {
  let t: TestApp;
  let clock: number;

  beforeEach(async () => {
    clock = START;
    t = await createTestApp({ now: () => new Date(clock) });
  });
  afterEach(async () => {
    await t.close();
  });

  const tick = (seconds = 1) => {
    clock += seconds * 1000;
  };

  async function list(query: string): Promise<{ status: number; body: any }> {
    const response = await t.request('GET', `${COLLECTION}${query === '' ? '' : `?${query}`}`);
    return { status: response.statusCode, body: response.json() };
  }

  async function names(query: string): Promise<string[]> {
    const result = await list(query);
    expect(result.status).toBe(200);
    return (result.body.items as { name: string }[]).map((item) => item.name);
  }

  async function ids(query: string): Promise<string[]> {
    const result = await list(query);
    expect(result.status).toBe(200);
    return (result.body.items as { id: string }[]).map((item) => item.id);
  }

  const byName = (query: string) => `name=${encodeURIComponent(query)}`;

  describe('filters', () => {
    beforeEach(async () => {
      await t.create(globalTemplate('global-one'));
      await t.create(projectTemplate('project-a-one'));
      await t.create(projectTemplate('project-b-one', { project_id: 'proj-b' }));
    });

    it('no filter returns every template', async () => {
      const result = await list('');

      expect(result.body.total).toBe(3);
      expect((await names('sort=name')).sort()).toEqual(['global-one', 'project-a-one', 'project-b-one']);
    });

    it('scope global', async () => {
      expect(await names('scope=global')).toEqual(['global-one']);
    });

    it('scope project', async () => {
      expect(await names('scope=project&sort=name')).toEqual(['project-a-one', 'project-b-one']);
    });

    it('project_id', async () => {
      expect(await names('project_id=proj-b')).toEqual(['project-b-one']);
    });

    it('scope project with project_id', async () => {
      expect(await names('scope=project&project_id=proj-a')).toEqual(['project-a-one']);
    });

    it('project_id with no templates', async () => {
      const result = await list('project_id=proj-empty');

      expect(result.status).toBe(200);
      expect(result.body).toEqual({ total: 0, items: [] });
    });

    it('filters combine with the name search', async () => {
      expect(await names('scope=project&name=ONE&sort=name')).toEqual(['project-a-one', 'project-b-one']);
    });
  });

  describe('name search', () => {
    it('is a case-insensitive substring match', async () => {
      await t.create(projectTemplate('Nightly-Backup'));
      await t.create(projectTemplate('weekly-report'));

      expect(await names(byName('BACKUP'))).toEqual(['Nightly-Backup']);
      expect(await names(byName('ly-b'))).toEqual(['Nightly-Backup']);
      expect(await names(`${byName('LY')}&sort=name`)).toEqual(['Nightly-Backup', 'weekly-report']);
    });

    it('folds sharp s', async () => {
      await t.create(projectTemplate('Straße-cleanup'));

      for (const query of ['STRASSE', 'strasse', 'Straße', 'ße-c']) {
        expect(await names(byName(query)), query).toEqual(['Straße-cleanup']);
      }
    });

    it('folds capital sharp s to ss', async () => {
      await t.create(projectTemplate('Straße-cleanup'));

      expect(await names(byName('STRAẞE'))).toEqual(['Straße-cleanup']);
    });

    it('folds Greek sigma forms in whole words', async () => {
      await t.create(projectTemplate('ΣΙΣΥΦΟΣ'));

      for (const query of ['σισυφος', 'σισυφοσ', 'ΣΙΣΥΦΟΣ', 'Σισυφος', 'ΦΟΣ']) {
        expect(await names(byName(query)), query).toEqual(['ΣΙΣΥΦΟΣ']);
      }
    });

    it('folds a trailing Greek sigma in a search to the medial form', async () => {
      await t.create(projectTemplate('ΣΙΣΥΦΟΣ'));

      expect(await names(byName('ΣΙΣ'))).toEqual(['ΣΙΣΥΦΟΣ']);
    });

    it('matches Chinese text', async () => {
      await t.create(projectTemplate('数据迁移任务'));
      await t.create(projectTemplate('模型训练'));

      expect(await names(byName('迁移'))).toEqual(['数据迁移任务']);
      expect(await names(byName('训练'))).toEqual(['模型训练']);
    });

    it('normalizes the search to NFC', async () => {
      await t.create(projectTemplate('café-job'));

      expect(await names(byName('CAFE\u0301'))).toEqual(['café-job']);
    });

    it('percent matches itself', async () => {
      await t.create(projectTemplate('100%-done'));
      await t.create(projectTemplate('100-done'));

      expect(await names(byName('%'))).toEqual(['100%-done']);
      expect(await names(byName('100%'))).toEqual(['100%-done']);
    });

    it('underscore matches itself', async () => {
      await t.create(projectTemplate('a_b'));
      await t.create(projectTemplate('axb'));

      expect(await names(byName('_'))).toEqual(['a_b']);
      expect(await names(byName('a_b'))).toEqual(['a_b']);
    });

    it('backslash matches itself', async () => {
      await t.create(projectTemplate('back\\slash'));
      await t.create(projectTemplate('backslash'));

      expect(await names(byName('\\'))).toEqual(['back\\slash']);
      expect(await names(byName('k\\s'))).toEqual(['back\\slash']);
    });

    it('empty name is no filter', async () => {
      await t.create(projectTemplate('first'));
      await t.create(projectTemplate('second'));

      const result = await list('name=');

      expect(result.status).toBe(200);
      expect(result.body.total).toBe(2);
    });

    it('no match returns an empty page', async () => {
      await t.create(projectTemplate('something'));

      expect(await list(byName('nothing-like-it'))).toEqual({ status: 200, body: { total: 0, items: [] } });
    });
  });

  describe('paging', () => {
    it('total counts before limit and offset', async () => {
      for (let index = 0; index < 5; index += 1) {
        await t.create(projectTemplate(`page-${index}`));
      }

      const result = await list('limit=2&offset=1&sort=name');

      expect(result.body.total).toBe(5);
      expect(result.body.items.map((item: { name: string }) => item.name)).toEqual(['page-1', 'page-2']);
    });

    it('offset past the end returns no items', async () => {
      await t.create(projectTemplate('only'));

      expect((await list('offset=5')).body).toEqual({ total: 1, items: [] });
    });

    it('default limit is 100', async () => {
      for (let index = 0; index < 101; index += 1) {
        await t.create(projectTemplate(`many-${String(index).padStart(3, '0')}`));
      }

      const result = await list('');

      expect(result.body.total).toBe(101);
      expect(result.body.items).toHaveLength(100);
    });

    it.each([
      ['limit=1', 1],
      ['limit=1000', 3],
      ['offset=0', 3],
      ['offset=2147483647', 0],
    ])('%s is accepted', async (query, count) => {
      for (const name of ['x', 'y', 'z']) {
        await t.create(projectTemplate(name));
      }

      const result = await list(query);

      expect(result.status).toBe(200);
      expect(result.body.items).toHaveLength(count);
      expect(result.body.total).toBe(3);
    });
  });

  describe('sort', () => {
    it('default is newest created first', async () => {
      await t.create(projectTemplate('older'));
      tick();
      await t.create(projectTemplate('newer'));

      expect(await names('')).toEqual(['newer', 'older']);
    });

    it('created_at ascending and descending', async () => {
      for (const name of ['c-first', 'a-second', 'b-third']) {
        await t.create(projectTemplate(name));
        tick();
      }

      expect(await names('sort=created_at')).toEqual(['c-first', 'a-second', 'b-third']);
      expect(await names('sort=-created_at')).toEqual(['b-third', 'a-second', 'c-first']);
    });

    it('updated_at ascending and descending', async () => {
      const first = await t.create(projectTemplate('u-first'));
      tick();
      await t.create(projectTemplate('u-second'));
      tick();
      await t.create(projectTemplate('u-third'));
      tick();
      const updated = await t.request('PUT', `${COLLECTION}/${first.id}`, { body: { description: 'touched' } });
      expect(updated.statusCode).toBe(200);

      expect(await names('sort=updated_at')).toEqual(['u-second', 'u-third', 'u-first']);
      expect(await names('sort=-updated_at')).toEqual(['u-first', 'u-third', 'u-second']);
    });

    it('name ascending and descending by code point', async () => {
      // Code points: B U+0042, a U+0061, é U+00E9, 中 U+4E2D, Ａ U+FF21, 😀 U+1F600.
      // UTF-16 order would put 😀 (a surrogate pair starting D83D) before Ａ.
      const ordered = ['B', 'a', 'é', '中', 'Ａ', '😀'];
      for (const name of ['中', 'a', '😀', 'B', 'Ａ', 'é']) {
        await t.create(projectTemplate(name));
      }

      expect(await names('sort=name')).toEqual(ordered);
      expect(await names('sort=-name')).toEqual([...ordered].reverse());
    });

    it.each(['created_at', '-created_at', 'updated_at', '-updated_at'])('%s ties are ordered by id', async (sort) => {
      for (const name of ['tie-d', 'tie-b', 'tie-a', 'tie-c', '同时']) {
        await t.create(projectTemplate(name));
      }
      const all = await ids('');

      expect(await ids(`sort=${sort}`)).toEqual([...all].sort());
    });

    it.each(['name', '-name'])('%s ties are ordered by id', async (sort) => {
      // One name may exist once globally and once per project.
      await t.create(globalTemplate('same'));
      await t.create(projectTemplate('same'));
      await t.create(projectTemplate('same', { project_id: 'proj-b' }));
      await t.create(projectTemplate('same', { project_id: 'proj-c' }));
      const all = await ids('');

      expect(await ids(`sort=${sort}`)).toEqual([...all].sort());
    });

    it('pages are stable across ties', async () => {
      for (let index = 0; index < 6; index += 1) {
        await t.create(projectTemplate(`stable-${index}`));
      }

      const pages = [...(await ids('limit=2&offset=0')), ...(await ids('limit=2&offset=2')), ...(await ids('limit=2&offset=4'))];

      expect(pages).toEqual([...(await ids(''))]);
      expect(new Set(pages).size).toBe(6);
    });
  });

  describe('invalid parameters', () => {
    async function expectInvalid(query: string, field: string, code?: string): Promise<void> {
      const result = await list(query);

      expect(result.status, query).toBe(422);
      expect(result.body.code).toBe('validation_failed');
      expect(result.body.errors.map((error: { field: string }) => error.field), query).toEqual([field]);
      if (code !== undefined) {
        expect(result.body.errors[0].code, query).toBe(code);
      }
    }

    it.each(['0', '1001', 'abc', '1e3', '+5', '-1', '01', '', '1.0', ' 5', '0x10', '99999999999999999999'])(
      'limit=%s is 422',
      async (value) => {
        await expectInvalid(`limit=${encodeURIComponent(value)}`, 'query.limit');
      },
    );

    it.each(['-1', '2147483648', '1e3', '+5', '01', 'x', '', '1.5'])('offset=%s is 422', async (value) => {
      await expectInvalid(`offset=${encodeURIComponent(value)}`, 'query.offset');
    });

    it.each(['id', 'NAME', '+name', '', 'name,created_at', 'created'])('sort=%s is 422', async (value) => {
      await expectInvalid(`sort=${encodeURIComponent(value)}`, 'query.sort', 'invalid_value');
    });

    it.each(['all', '', 'GLOBAL', 'projects'])('scope=%s is 422', async (value) => {
      await expectInvalid(`scope=${encodeURIComponent(value)}`, 'query.scope', 'invalid_value');
    });

    it.each(['a b', 'x'.repeat(129), '', 'proj/a', '项目'])('project_id=%s is 422', async (value) => {
      await expectInvalid(`project_id=${encodeURIComponent(value)}`, 'query.project_id', 'invalid_format');
    });

    it('name with NUL is 422', async () => {
      await expectInvalid('name=%00', 'query.name', 'invalid_text');
    });

    it.each(['scope', 'project_id', 'name', 'limit', 'offset', 'sort'])('repeated %s is 422', async (name) => {
      const value = { scope: 'project', project_id: 'proj-a', name: 'x', limit: '5', offset: '0', sort: 'name' }[name];

      await expectInvalid(`${name}=${value}&${name}=${value}`, `query.${name}`, 'repeated_parameter');
    });

    it.each(['foo', 'page', 'Scope', 'labels', '__proto__', 'constructor', 'toString'])('unknown parameter %s is 422', async (name) => {
      await expectInvalid(`${name}=1`, `query.${name}`, 'unknown_field');
    });

    it('scope global with project_id is 422', async () => {
      await expectInvalid('scope=global&project_id=proj-a', 'query.project_id', 'conflicting_parameters');
    });

    it('reports every invalid parameter at once', async () => {
      const result = await list('limit=0&offset=-1&sort=id&scope=all&bogus=1');

      expect(result.status).toBe(422);
      expect(result.body.errors.map((error: { field: string }) => error.field).sort()).toEqual(
        ['query.bogus', 'query.limit', 'query.offset', 'query.scope', 'query.sort'],
      );
    });
  });
});
