import { describe, expect, it } from 'vitest';
import { TemplateJsonCache } from '../../src/store/template-json-cache.js';

describe('TemplateJsonCache', () => {
  it('returns text only for the same revision and creation time', () => {
    const cache = new TemplateJsonCache();
    cache.set('a', 2, 't1', '{"v":2}');
    expect(cache.get('a', 2, 't1')).toBe('{"v":2}');
    expect(cache.get('a', 3, 't1')).toBeUndefined();
    expect(cache.get('a', 2, 't2')).toBeUndefined();
    expect(cache.get('b', 2, 't1')).toBeUndefined();
  });

  it('evicts the oldest unread text past its bound', () => {
    const cache = new TemplateJsonCache(10);
    cache.set('a', 1, 't', '12345');
    cache.set('b', 1, 't', '12345');
    expect(cache.get('a', 1, 't')).toBe('12345');
    cache.set('c', 1, 't', '12345');
    expect(cache.get('b', 1, 't')).toBeUndefined();
    expect(cache.get('a', 1, 't')).toBe('12345');
    expect(cache.size).toBe(2);
  });

  it('replaces an entry and skips texts larger than the bound', () => {
    const cache = new TemplateJsonCache(10);
    cache.set('a', 1, 't', '1234');
    cache.set('a', 2, 't', '123456');
    expect(cache.get('a', 2, 't')).toBe('123456');
    cache.set('b', 1, 't', '12345678901');
    expect(cache.get('b', 1, 't')).toBeUndefined();
    cache.delete('a');
    expect(cache.size).toBe(0);
  });
});
