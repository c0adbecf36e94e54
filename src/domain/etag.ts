/** Returns the strong entity tag of a template revision, quoted as RFC 9110 requires. */
export function entityTag(revision: number): string {
  return `"${revision}"`;
}

const ENTITY_TAG = /^\s*(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"\s*$/;

/**
 * Tells whether an `If-Match` header value matches the current entity tag,
 * using the strong comparison of RFC 9110: `*` matches any existing
 * resource, weak tags never match, and a malformed list matches nothing.
 */
export function ifMatchSatisfied(header: string, currentTag: string): boolean {
  if (header.trim() === '*') {
    return true;
  }
  return header.split(',').some((member) => {
    const match = ENTITY_TAG.exec(member);
    return match !== null && match[1] === undefined && `"${match[2]}"` === currentTag;
  });
}

/** Why an `If-Match` value failed: a well-formed but old tag, only weak tags, or no entity tag at all. */
export type IfMatchFailure = 'stale' | 'weak' | 'malformed';

/** Classifies an `If-Match` value that did not match, so that the error can name what to fix. */
export function classifyIfMatchFailure(header: string): IfMatchFailure {
  const members = header.split(',').map((member) => ENTITY_TAG.exec(member));
  if (members.some((match) => match !== null && match[1] === undefined)) {
    return 'stale';
  }
  return members.some((match) => match !== null) ? 'weak' : 'malformed';
}
