import { describe, expect, it } from 'vitest';
import { generateTemplateId, isTemplateId, slugify } from '../../src/domain/template-id.js';

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_ID_LENGTH = 55;

/** Names of every kind the slug rules treat differently. */
const SAMPLE_NAMES = [
  'my-job-template',
  'My Job Template',
  'x',
  '0',
  '数据处理任务',
  '任务 ETL',
  '\u{1F600}\u{1F680}',
  '---',
  '   ',
  'a'.repeat(128),
  'A_'.repeat(64),
  `${'a'.repeat(39)}-${'b'.repeat(50)}`,
  `${'a'.repeat(40)}-tail`,
  '\u00c4\u00d6\u00dc test',
  'caf\u00e9',
  '\u0130stanbul',
  'job (nightly) #1: a/b_c.d',
  '\u3000job\u3000',
];

describe('slugify', () => {
  it.each([
    ['my-job-template', 'my-job-template'],
    ['My Job Template', 'my-job-template'],
    ['ABC123', 'abc123'],
    ['a__b..c', 'a-b-c'],
    ['a - b', 'a-b'],
    ['  Hello,   World!! ', 'hello-world'],
    ['---a---', 'a'],
    ['job (nightly) #1', 'job-nightly-1'],
    ['pytorch_dist_mnist.v2', 'pytorch-dist-mnist-v2'],
    ['Data 处理 Job', 'data-job'],
    ['\u00c4\u00d6\u00dc test', 'test'],
    ['caf\u00e9 au lait', 'caf-au-lait'],
    ['job\u{1F600}run', 'job-run'],
    ['数据处理任务', ''],
    ['\u{1F600}', ''],
    ['---', ''],
    ['', ''],
  ])('slug of %j is %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('slug is cut to 40 characters', () => {
    expect(slugify('a'.repeat(50))).toBe('a'.repeat(40));
    expect(slugify('A'.repeat(40))).toBe('a'.repeat(40));
  });

  it('slug cut at a hyphen loses the trailing hyphen', () => {
    expect(slugify(`${'a'.repeat(39)}-bbbb`)).toBe('a'.repeat(39));
    expect(slugify(`${'a'.repeat(39)}   bbbb`)).toBe('a'.repeat(39));
  });

  it('leading separators do not count toward the 40 characters', () => {
    expect(slugify(`${' '.repeat(10)}${'a'.repeat(45)}`)).toBe('a'.repeat(40));
  });

  it('run of separators becomes one hyphen before the cut', () => {
    expect(slugify(`${'a'.repeat(38)}!!!!!!bc`)).toBe(`${'a'.repeat(38)}-b`);
  });

  it.each(SAMPLE_NAMES)('slug of %j uses only a-z, 0-9 and inner hyphens', (name) => {
    const slug = slugify(name);

    expect(slug.length).toBeLessThanOrEqual(40);
    if (slug !== '') {
      expect(slug).toMatch(DNS_1123_LABEL);
    }
  });
});

describe('generateTemplateId', () => {
  it('ID is wf-tmpl-, the slug and 6 hex digits', () => {
    expect(generateTemplateId('my-job-template')).toMatch(/^wf-tmpl-my-job-template-[0-9a-f]{6}$/);
    expect(generateTemplateId('My Job Template')).toMatch(/^wf-tmpl-my-job-template-[0-9a-f]{6}$/);
  });

  it.each(['数据处理任务', '\u{1F600}', '---', '\u3000'])('ID of %j with an empty slug is wf-tmpl- and 8 hex digits', (name) => {
    expect(generateTemplateId(name)).toMatch(/^wf-tmpl-[0-9a-f]{8}$/);
  });

  it('ID of a mixed Chinese and Latin name keeps the Latin slug', () => {
    expect(generateTemplateId('任务 ETL')).toMatch(/^wf-tmpl-etl-[0-9a-f]{6}$/);
  });

  it('ID of a long name is at most 55 characters', () => {
    const id = generateTemplateId('a'.repeat(128));

    expect(id).toMatch(new RegExp(`^wf-tmpl-${'a'.repeat(40)}-[0-9a-f]{6}$`));
    expect(id).toHaveLength(MAX_ID_LENGTH);
  });

  it('ID never has a double hyphen before the suffix', () => {
    const id = generateTemplateId(`${'a'.repeat(39)}-${'b'.repeat(50)}`);

    expect(id).toMatch(new RegExp(`^wf-tmpl-${'a'.repeat(39)}-[0-9a-f]{6}$`));
  });

  it.each(SAMPLE_NAMES)('ID of %j is a DNS-1123 label of at most 55 characters', (name) => {
    const id = generateTemplateId(name);

    expect(id).toMatch(DNS_1123_LABEL);
    expect(id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    expect(isTemplateId(id)).toBe(true);
  });

  it('IDs for one name are distinct', () => {
    const ids = Array.from({ length: 2000 }, () => generateTemplateId('same-name'));

    // 2000 draws from 16^6 suffixes collide with a probability of about 11%, so a few repeats are allowed.
    expect(new Set(ids).size).toBeGreaterThanOrEqual(1995);
  });

  it('IDs for a name with an empty slug are distinct', () => {
    const ids = Array.from({ length: 2000 }, () => generateTemplateId('数据处理'));

    expect(new Set(ids).size).toBeGreaterThanOrEqual(1999);
  });

  it('every suffix position takes every hex digit', () => {
    const suffixes = Array.from({ length: 2000 }, () => generateTemplateId('job').slice('wf-tmpl-job-'.length));

    for (let position = 0; position < 6; position += 1) {
      const digits = new Set(suffixes.map((suffix) => suffix[position]));
      expect(digits.size).toBe(16);
    }
  });
});

describe('isTemplateId', () => {
  it.each(['wf-tmpl-my-job-0a1b2c', 'wf-tmpl-0a1b2c3d', 'a', 'a'.repeat(63)])('%j can be a template ID', (id) => {
    expect(isTemplateId(id)).toBe(true);
  });

  it.each(['', 'WF-TMPL-A', '-a', 'a-', 'a'.repeat(64), 'wf_tmpl', '../etc', 'wf-tmpl-任务', 'wf tmpl'])('%j cannot be a template ID', (id) => {
    expect(isTemplateId(id)).toBe(false);
  });
});
