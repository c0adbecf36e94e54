import { describe, expect, it } from 'vitest';
import { classifyIfMatchFailure, entityTag, ifMatchSatisfied } from '../../src/domain/etag.js';

describe('entityTag', () => {
  it('quotes the revision', () => {
    expect(entityTag(1)).toBe('"1"');
    expect(entityTag(42)).toBe('"42"');
  });

  it('is a strong tag', () => {
    expect(entityTag(7).startsWith('W/')).toBe(false);
  });
});

describe('ifMatchSatisfied', () => {
  const current = entityTag(3);

  it.each([
    ['"3"', 'the current tag'],
    [' "3" ', 'the current tag with spaces'],
    ['*', 'a star'],
    [' * ', 'a star with spaces'],
    ['"1", "3"', 'a list containing the tag'],
    ['"x","3"', 'a list without spaces'],
    ['"3", W/"3"', 'a list with the strong tag first'],
    ['W/"3", "3"', 'a list with the strong tag last'],
    ['"1" ,  "2" , "3"', 'a list with odd spacing'],
  ])('%s matches (%s)', (header) => {
    expect(ifMatchSatisfied(header, current)).toBe(true);
  });

  it.each([
    ['"2"', 'another tag'],
    ['W/"3"', 'the weak form of the tag'],
    ['w/"3"', 'a lower-case weak prefix'],
    ['3', 'an unquoted tag'],
    ['"3', 'an unterminated tag'],
    ["'3'", 'single quotes'],
    ['', 'an empty header'],
    ['""', 'an empty tag'],
    ['"33"', 'a longer tag'],
    ['"1", "2"', 'a list without the tag'],
    ['*, "1"', 'a star inside a list'],
    ['"3" "3"', 'two tags without a comma'],
    ['"3 "', 'a tag with a space inside'],
  ])('%s does not match (%s)', (header) => {
    expect(ifMatchSatisfied(header, current)).toBe(false);
  });

  it('compares the full opaque tag', () => {
    expect(ifMatchSatisfied('"abc"', '"abc"')).toBe(true);
    expect(ifMatchSatisfied('"ab"', '"abc"')).toBe(false);
  });
});

describe('classifyIfMatchFailure', () => {
  it.each([
    ['"1"', 'stale'],
    ['"x", W/"2"', 'stale'],
    ['W/"1"', 'weak'],
    ['2', 'malformed'],
    ['', 'malformed'],
  ] as const)('%s is %s', (header, expected) => {
    expect(classifyIfMatchFailure(header)).toBe(expected);
  });
});
