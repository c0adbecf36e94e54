import { describe, expect, it } from 'vitest';
import { MAX_REQUIREMENTS, parseLabelSelector, type LabelRequirement } from '../../src/domain/label-selector.js';

/** Parses a selector that must be valid and returns its requirements. */
function parseValid(selector: string): LabelRequirement[] {
  const result = parseLabelSelector(selector);
  if (!result.ok) {
    throw new Error(`expected ${JSON.stringify(selector)} to be valid, got: ${result.reason}`);
  }
  return result.requirements;
}

/** Parses a selector that must be invalid and returns the reason. */
function reasonOf(selector: string): string {
  const result = parseLabelSelector(selector);
  if (result.ok) {
    throw new Error(`expected ${JSON.stringify(selector)} to be invalid, got ${JSON.stringify(result.requirements)}`);
  }
  return result.reason;
}

describe('parseLabelSelector', () => {
  describe('empty selector', () => {
    it.each(['', ' ', '\t', '  \n '])('%j has no requirements', (selector) => {
      expect(parseValid(selector)).toEqual([]);
    });
  });

  describe('single requirement', () => {
    it.each<[string, LabelRequirement]>([
      ['team=data', { operator: 'equals', key: 'team', value: 'data' }],
      ['team==data', { operator: 'equals', key: 'team', value: 'data' }],
      ['team!=data', { operator: 'not-equals', key: 'team', value: 'data' }],
      ['team', { operator: 'exists', key: 'team' }],
      ['!team', { operator: 'not-exists', key: 'team' }],
      ['team=', { operator: 'equals', key: 'team', value: '' }],
      ['team==', { operator: 'equals', key: 'team', value: '' }],
      ['team!=', { operator: 'not-equals', key: 'team', value: '' }],
      ['example.com/tier=gold', { operator: 'equals', key: 'example.com/tier', value: 'gold' }],
      ['!example.com/tier', { operator: 'not-exists', key: 'example.com/tier' }],
      ['Team_1.x=Data-2_b.c', { operator: 'equals', key: 'Team_1.x', value: 'Data-2_b.c' }],
      [' team = data ', { operator: 'equals', key: 'team', value: 'data' }],
      ['team != data', { operator: 'not-equals', key: 'team', value: 'data' }],
      ['team ==data', { operator: 'equals', key: 'team', value: 'data' }],
      ['! team', { operator: 'not-exists', key: 'team' }],
      ['\tteam\t', { operator: 'exists', key: 'team' }],
      [`${'n'.repeat(63)}=${'v'.repeat(63)}`, { operator: 'equals', key: 'n'.repeat(63), value: 'v'.repeat(63) }],
      [`${'p'.repeat(253)}/a`, { operator: 'exists', key: `${'p'.repeat(253)}/a` }],
    ])('%j', (selector, requirement) => {
      expect(parseValid(selector)).toEqual([requirement]);
    });
  });

  describe('several requirements', () => {
    it('keeps their order', () => {
      expect(parseValid('team=data,!legacy,tier!=gold,owner')).toEqual([
        { operator: 'equals', key: 'team', value: 'data' },
        { operator: 'not-exists', key: 'legacy' },
        { operator: 'not-equals', key: 'tier', value: 'gold' },
        { operator: 'exists', key: 'owner' },
      ]);
    });

    it('allows spaces around commas', () => {
      expect(parseValid('team=data , !legacy')).toEqual([
        { operator: 'equals', key: 'team', value: 'data' },
        { operator: 'not-exists', key: 'legacy' },
      ]);
    });

    it('keeps repeated requirements', () => {
      expect(parseValid('team,team')).toEqual([
        { operator: 'exists', key: 'team' },
        { operator: 'exists', key: 'team' },
      ]);
    });

    it(`accepts ${MAX_REQUIREMENTS} requirements`, () => {
      const selector = Array.from({ length: MAX_REQUIREMENTS }, (_, index) => `k${index}`).join(',');

      expect(parseValid(selector)).toHaveLength(MAX_REQUIREMENTS);
    });

    it(`rejects ${MAX_REQUIREMENTS + 1} requirements`, () => {
      const selector = Array.from({ length: MAX_REQUIREMENTS + 1 }, (_, index) => `k${index}`).join(',');

      expect(reasonOf(selector)).toBe('more than 20 requirements');
    });

    it('counts empty parts as requirements', () => {
      expect(reasonOf(','.repeat(MAX_REQUIREMENTS))).toBe('more than 20 requirements');
    });
  });

  describe('malformed requirement', () => {
    it.each([
      ['=x', '"=x" is not key, !key, key=value or key!=value'],
      ['==x', '"==x" is not key, !key, key=value or key!=value'],
      ['!=x', '"!=x" is not key, !key, key=value or key!=value'],
      ['a=b=c', '"a=b=c" is not key, !key, key=value or key!=value'],
      ['a===b', '"a===b" is not key, !key, key=value or key!=value'],
      ['a=!b', '"a=!b" is not key, !key, key=value or key!=value'],
      ['bad key', '"bad key" is not key, !key, key=value or key!=value'],
      ['a!', '"a!" is not key, !key, key=value or key!=value'],
      ['!', '"!" is not key, !key, key=value or key!=value'],
      ['!!a', '"!!a" is not key, !key, key=value or key!=value'],
      ['a in (b)', '"a in (b)" is not key, !key, key=value or key!=value'],
      ['a=b c', '"a=b c" is not key, !key, key=value or key!=value'],
      ['a,', '"" is not key, !key, key=value or key!=value'],
      [',a', '"" is not key, !key, key=value or key!=value'],
      ['a,,b', '"" is not key, !key, key=value or key!=value'],
      ['a, ,b', '"" is not key, !key, key=value or key!=value'],
    ])('%j', (selector, reason) => {
      expect(reasonOf(selector)).toBe(reason);
    });

    it('names the first malformed requirement', () => {
      expect(reasonOf('team, a=b=c, =x')).toBe('"a=b=c" is not key, !key, key=value or key!=value');
    });

    it('cuts a long requirement to 64 characters', () => {
      const part = `a=b=${'c'.repeat(100)}`;

      expect(reasonOf(part)).toBe(`"${part.slice(0, 64)}" is not key, !key, key=value or key!=value`);
    });
  });

  describe('invalid key', () => {
    it.each([
      ['a>1', 'a>1'],
      ['-a', '-a'],
      ['a-', 'a-'],
      ['tëam', 'tëam'],
      ['a/b/c=d', 'a/b/c'],
      ['/a', '/a'],
      ['Example.com/a', 'Example.com/a'],
      ['!-a', '-a'],
      ['-a!=b', '-a'],
      [`${'n'.repeat(64)}=x`, 'n'.repeat(64)],
    ])('%j', (selector, key) => {
      expect(reasonOf(selector)).toBe(`"${key}" is not a valid label key`);
    });

    it('cuts a long key to 64 characters', () => {
      const key = `${'p'.repeat(254)}/a`;

      expect(reasonOf(key)).toBe(`"${'p'.repeat(64)}" is not a valid label key`);
    });
  });

  describe('value with negation', () => {
    it.each(['!a=b', '!a==b', '!a!=b', '!a=', '! a = b'])('%j', (selector) => {
      expect(reasonOf(selector)).toBe(`"${selector}" combines "!" with a value`);
    });
  });

  describe('invalid value', () => {
    it.each([
      ['a=-b', '-b'],
      ['a=b-', 'b-'],
      ['a!=.b', '.b'],
      ['a=b/c', 'b/c'],
      ['a==é', 'é'],
      [`a=${'v'.repeat(64)}`, 'v'.repeat(64)],
    ])('%j', (selector, value) => {
      expect(reasonOf(selector)).toBe(`"${value}" is not a valid label value`);
    });

    it('cuts a long value to 64 characters', () => {
      expect(reasonOf(`a=${'v'.repeat(100)}`)).toBe(`"${'v'.repeat(64)}" is not a valid label value`);
    });
  });
});
