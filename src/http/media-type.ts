/**
 * Content negotiation between JSON and YAML responses, from the `Accept`
 * header (RFC 9110, section 12.5.1).
 */

/** YAML media types that clients send in `Accept`. The response always uses `application/yaml` (RFC 9512). */
export const YAML_MEDIA_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml'] as const;
export const YAML_CONTENT_TYPE = 'application/yaml';
const JSON_MEDIA_TYPE = 'application/json';

/** Ranges read from one header at most, so that a huge header costs little. */
const MAX_MEDIA_RANGES = 64;

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly quality: number;
  /** Position in the header; earlier ranges win ties. */
  readonly position: number;
}

/** Acceptance of a media type: its quality, and the specificity and position of the range that gave it. */
interface Match {
  readonly quality: number;
  /** 2 for `type/subtype`, 1 for `type/*`, 0 for `*\/*`. */
  readonly specificity: number;
  readonly position: number;
}

/** A weight as RFC 9110 (section 12.4.2) writes it: 0 to 1 with at most three decimals. */
const QUALITY_VALUE = /^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/;

/** Reads the media ranges of an `Accept` header, skipping malformed ones and those with an invalid weight. */
function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const [position, range] of header.split(',').slice(0, MAX_MEDIA_RANGES).entries()) {
    const [mediaRange = '', ...parameters] = range.split(';');
    const [type, subtype, ...rest] = mediaRange.trim().toLowerCase().split('/');
    if (type === undefined || type === '' || subtype === undefined || subtype === '' || rest.length > 0) {
      continue;
    }
    const qualityParameter = parameters.map((parameter) => /^\s*q\s*=\s*(.*?)\s*$/i.exec(parameter)?.[1]).find((value) => value !== undefined);
    if (qualityParameter !== undefined && !QUALITY_VALUE.test(qualityParameter)) {
      continue;
    }
    ranges.push({ type, subtype, quality: qualityParameter === undefined ? 1 : Number(qualityParameter), position });
  }
  return ranges;
}

function specificityOf(range: MediaRange, type: string, subtype: string): number | undefined {
  if (range.type === '*' && range.subtype === '*') {
    return 0;
  }
  if (range.type !== type) {
    return undefined;
  }
  if (range.subtype === '*') {
    return 1;
  }
  return range.subtype === subtype ? 2 : undefined;
}

/** Finds the most specific range that matches a media type, or the first of equally specific ones. */
function matchMediaType(mediaType: string, ranges: readonly MediaRange[]): Match | undefined {
  const [type = '', subtype = ''] = mediaType.split('/');
  let best: Match | undefined;
  for (const range of ranges) {
    const specificity = specificityOf(range, type, subtype);
    if (specificity !== undefined && (best === undefined || specificity > best.specificity)) {
      best = { quality: range.quality, specificity, position: range.position };
    }
  }
  return best;
}

/** Tells whether one match beats another. A match of quality 0 means "not acceptable". */
function isBetter(candidate: Match | undefined, current: Match | undefined): boolean {
  if (candidate === undefined || candidate.quality === 0) {
    return false;
  }
  if (current === undefined || current.quality === 0) {
    return true;
  }
  if (candidate.quality !== current.quality) {
    return candidate.quality > current.quality;
  }
  if (candidate.specificity !== current.specificity) {
    return candidate.specificity > current.specificity;
  }
  return candidate.position < current.position;
}

/**
 * Tells whether an `Accept` header prefers YAML to JSON: a YAML media type
 * has a higher quality, or the same quality through a more specific range or
 * one listed earlier. JSON is the response in every other case, also when the
 * header accepts neither.
 */
export function prefersYaml(header: string | undefined): boolean {
  if (header === undefined || header.trim() === '') {
    return false;
  }
  const ranges = parseAccept(header);
  const json = matchMediaType(JSON_MEDIA_TYPE, ranges);
  return YAML_MEDIA_TYPES.some((mediaType) => isBetter(matchMediaType(mediaType, ranges), json));
}
