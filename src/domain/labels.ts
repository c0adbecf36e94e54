/**
 * Kubernetes label rules: keys are an optional DNS-subdomain prefix and `/`,
 * then a name; values are empty or a name. Templates carry labels, render
 * requests add them, and the list filters by them.
 */
import type { FieldError } from '../errors/api-error.js';
import type { LocalizedText } from '../errors/catalogue.js';
import { formatFieldPath, type FieldPath } from './field-path.js';

export const MAX_LABELS = 64;
const MAX_LABEL_NAME_LENGTH = 63;
const MAX_LABEL_PREFIX_LENGTH = 253;

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Allowed form of a label key, for messages. */
export const LABEL_KEY_FORMAT: LocalizedText = {
  en: 'a label key: an optional DNS subdomain prefix of at most 253 characters and "/", then a name of at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit (for example "team" or "example.com/tier")',
  zh: '标签键：可选的 DNS 子域名前缀（最多 253 个字符）加 "/"，然后是最多 63 个字符的名称，仅含字母、数字、"-"、"_" 和 "."，以字母或数字开头和结尾（例如 "team" 或 "example.com/tier"）',
};

/** Allowed form of a label value, for messages. */
export const LABEL_VALUE_FORMAT: LocalizedText = {
  en: 'empty, or at most 63 characters of letters, digits, "-", "_" and ".", starting and ending with a letter or digit',
  zh: '空字符串，或最多 63 个字符，仅含字母、数字、"-"、"_" 和 "."，以字母或数字开头和结尾',
};

/** Tells whether text is a valid label key. */
export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const prefix = slash === -1 ? undefined : key.slice(0, slash);
  const name = slash === -1 ? key : key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > MAX_LABEL_PREFIX_LENGTH || !DNS_SUBDOMAIN.test(prefix))) {
    return false;
  }
  return name.length <= MAX_LABEL_NAME_LENGTH && LABEL_NAME.test(name);
}

/** Tells whether text is a valid label value. */
export function isLabelValue(value: string): boolean {
  return value === '' || (value.length <= MAX_LABEL_NAME_LENGTH && LABEL_NAME.test(value));
}

function quote(text: string): string {
  const codePoints = Array.from(text);
  return JSON.stringify(codePoints.length > 64 ? `${codePoints.slice(0, 64).join('')}…` : text);
}

/**
 * Adds a failure unless one with the same field and code is already listed.
 * The body schema reports some label failures too (a non-object, too many
 * pairs, a non-string value), and each failure must be reported once.
 */
function addFailure(errors: FieldError[], failure: FieldError, reported: ReadonlySet<string>): void {
  if (!reported.has(`${failure.field}\u0000${failure.code}`)) {
    errors.push(failure);
  }
}

/**
 * Checks a labels object at `path`, adding a failure for each invalid key or
 * value. Returns true when the value is a valid labels object.
 */
export function checkLabels(labels: unknown, path: FieldPath, errors: FieldError[]): labels is Record<string, string> {
  // A set of what is already reported keeps the duplicate check linear in the number of labels.
  const reported = new Set(errors.map((error) => `${error.field}\u0000${error.code}`));
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    addFailure(errors, { field: formatFieldPath(path), code: 'invalid_type', params: { expected: { en: 'an object of string pairs', zh: '由字符串键值对组成的对象' } } }, reported);
    return false;
  }
  let valid = true;
  let entries = Object.entries(labels);
  if (entries.length > MAX_LABELS) {
    valid = false;
    addFailure(errors, { field: formatFieldPath(path), code: 'too_many_items', params: { actual: entries.length, limit: MAX_LABELS } }, reported);
    // Past the limit the object is rejected anyway; checking only the first labels bounds the work and the error list.
    entries = entries.slice(0, MAX_LABELS);
  }
  for (const [key, value] of entries) {
    const field = formatFieldPath([...path, key]);
    if (!isLabelKey(key)) {
      valid = false;
      addFailure(errors, { field, code: 'invalid_label_key', params: { value: quote(key), format: LABEL_KEY_FORMAT } }, reported);
    }
    if (typeof value !== 'string') {
      valid = false;
      addFailure(errors, { field, code: 'invalid_type', params: { expected: { en: 'a string', zh: '字符串' } } }, reported);
    } else if (!isLabelValue(value)) {
      valid = false;
      addFailure(errors, { field, code: 'invalid_format', params: { value: quote(value), format: LABEL_VALUE_FORMAT } }, reported);
    }
  }
  return valid;
}
