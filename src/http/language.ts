import type { Language } from '../errors/catalogue.js';

/**
 * Chooses the message language from an `Accept-Language` header: Chinese when
 * the highest-weighted supported language is `zh` (any region or script),
 * English otherwise.
 */
export function preferredLanguage(header: string | undefined): Language {
  if (header === undefined || header === '') {
    return 'en';
  }
  let best: { language: Language; weight: number } | undefined;
  for (const range of header.split(',').slice(0, 32)) {
    const [tag = '', ...parameters] = range.trim().split(';');
    const primary = tag.trim().toLowerCase().split('-')[0];
    if (primary !== 'zh' && primary !== 'en') {
      continue;
    }
    const quality = parameters.map((parameter) => /^\s*q\s*=\s*([0-9.]+)\s*$/i.exec(parameter)).find((match) => match !== null);
    const weight = quality ? Number(quality[1]) : 1;
    if (Number.isFinite(weight) && weight > 0 && (best === undefined || weight > best.weight)) {
      best = { language: primary, weight };
    }
  }
  return best?.language ?? 'en';
}
