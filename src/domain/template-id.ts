import { randomBytes } from 'node:crypto';

const ID_PREFIX = 'wf-tmpl-';
const MAX_SLUG_LENGTH = 40;

/** Template IDs are DNS-1123 labels; a path segment that is not one cannot name a template. */
const TEMPLATE_ID_PATTERN = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Derives the slug of a template name: lower-cased, each run of characters
 * outside `[a-z0-9]` replaced by one `-`, trimmed of `-`, cut to 40 characters
 * and trimmed of `-` again.
 */
export function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, MAX_SLUG_LENGTH).replace(/-+$/, '');
}

function randomHex(digits: number): string {
  return randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);
}

/**
 * Generates a new template ID: `wf-tmpl-<slug>-<6 random hex digits>`, or
 * `wf-tmpl-<8 random hex digits>` when the slug is empty. The random part
 * comes from a cryptographic source. IDs are at most 55 characters and valid
 * DNS-1123 labels.
 */
export function generateTemplateId(name: string): string {
  const slug = slugify(name);
  return slug === '' ? `${ID_PREFIX}${randomHex(8)}` : `${ID_PREFIX}${slug}-${randomHex(6)}`;
}

/** Tells whether a string can be a template ID, so that lookups of anything else skip the store. */
export function isTemplateId(value: string): boolean {
  return TEMPLATE_ID_PATTERN.test(value);
}
