import { describe, expect, it } from 'vitest';
import { preferredLanguage } from '../../src/http/language.js';

describe('preferredLanguage', () => {
  it.each([
    ['zh'],
    ['zh-CN'],
    ['ZH-tw'],
    ['zh-Hans-CN'],
    ['en;q=0.5, zh;q=0.9'],
    ['zh, en'],
    ['zh;q=0.8, en;q=0.7'],
    ['fr, zh;q=0.5'],
    ['en;q=0, zh;q=0.1'],
    ['  zh-CN ; q = 0.9 , en ; q = 0.8'],
  ])('%j selects Chinese', (header) => {
    expect(preferredLanguage(header)).toBe('zh');
  });

  it.each([
    [undefined],
    [''],
    ['en'],
    ['en-US'],
    ['en, zh;q=0.5'],
    ['en, zh'],
    ['fr'],
    ['fr-FR, de;q=0.9'],
    ['*'],
    ['zh;q=0'],
    ['zh;q=0, fr'],
    ['en;q=0.9, zh;q=0.9'],
    ['zhx'],
    ['chinese'],
    [',,,'],
    [';q=1'],
  ])('%j selects English', (header) => {
    expect(preferredLanguage(header)).toBe('en');
  });

  it('ignores ranges after the first 32', () => {
    const header = [...Array.from({ length: 32 }, (_, index) => `x${index}`), 'zh'].join(', ');

    expect(preferredLanguage(header)).toBe('en');
  });
});
