/**
 * Template records: one template as one line of JSON Lines, the format that
 * the export and import commands write and read. A record is a JSON object
 * with every field of the API's template representation plus `revision`.
 */
import type { FieldError } from '../errors/api-error.js';
import { FIELD_MESSAGES, formatMessage } from '../errors/catalogue.js';
import { cutForEcho, echoValue } from '../errors/echo.js';
import type { StoredTemplate } from '../store/template-store.js';
import { DNS_1123_LABEL } from './patterns.js';
import { isTemplateId } from './template-id.js';
import { serializeTemplate } from './template-json.js';
import { CreateTemplateBodySchema, JobTemplateSchema, MAX_INT32, READ_ONLY_FIELDS } from './template-schema.js';
import { validateCreateBody } from './validation.js';

/** The outcome of parsing one line: the template to insert, or why the line is rejected. */
export type TemplateRecordResult = { ok: true; template: StoredTemplate } | { ok: false; reason: string };

/** Fields that a create request sets, taken from its schema; validateCreateBody checks them. */
const CONTENT_FIELDS: readonly string[] = Object.keys(CreateTemplateBodySchema.properties);

/** Fields of a record in output order: the API representation's, then the revision unless the representation has it. */
const RECORD_FIELDS: readonly string[] = [...new Set([...Object.keys(JobTemplateSchema.properties), 'revision'])];

const KNOWN_FIELDS: ReadonlySet<string> = new Set([...RECORD_FIELDS, ...CONTENT_FIELDS, ...READ_ONLY_FIELDS]);

/**
 * The timestamp form of the API: UTC with milliseconds, as `Date.prototype.toISOString`
 * writes it for years 0001 to 9999. PostgreSQL has no year 0, so 0000 is rejected.
 */
const TIMESTAMP = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TIMESTAMP_FORM = 'a UTC time in the form YYYY-MM-DDTHH:MM:SS.sssZ, for example "2024-05-01T12:00:00.000Z"';

/** Formats a top-level key for a reason: plain when it is a short identifier, quoted and cut otherwise. */
function keyLabel(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key) ? key : echoValue(key);
}

/** Shows a JSON value for a message: a string quoted, anything else as JSON, cut to 64 code points. */
function showValue(value: unknown): string {
  return typeof value === 'string' ? echoValue(value) : cutForEcho(JSON.stringify(value) ?? String(value));
}

function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  if (message.includes('Unexpected end of JSON input')) {
    return 'the line is not valid JSON: it ends before the JSON value is complete.';
  }
  // V8's message may quote part of the line, which can contain a secret environment variable
  // value, so only the position is kept.
  const position = /at position (\d+)/.exec(message)?.[1];
  return position === undefined ? 'the line is not valid JSON.' : `the line is not valid JSON: the error is at position ${position}.`;
}

function jsonTypeName(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function formatFieldError(error: FieldError): string {
  const message = formatMessage(FIELD_MESSAGES[error.code].en, error.params ?? {}, 'en');
  return error.field === '' ? message : `${error.field} ${message}`;
}

function checkId(value: unknown, problems: string[]): value is string {
  if (value === undefined) {
    problems.push('id is required.');
    return false;
  }
  if (typeof value !== 'string') {
    problems.push('id must be a string.');
    return false;
  }
  if (!isTemplateId(value)) {
    problems.push(`id has the value ${echoValue(value)}, which is invalid: it must be ${DNS_1123_LABEL.description.en}.`);
    return false;
  }
  return true;
}

/** Checks a user ID: a non-empty string that every store can keep exactly, so no NUL and no unpaired surrogate. */
function checkUserId(field: string, value: unknown, problems: string[]): value is string {
  if (value === undefined) {
    problems.push(`${field} is required.`);
    return false;
  }
  if (typeof value !== 'string') {
    problems.push(`${field} must be a string.`);
    return false;
  }
  if (value === '') {
    problems.push(`${field} must not be empty.`);
    return false;
  }
  if (value.includes('\u0000') || !value.isWellFormed()) {
    problems.push(`${field} contains the NUL character or an unpaired UTF-16 surrogate, which is not allowed.`);
    return false;
  }
  // The same rule as for the token's sub claim, which the service stores in these fields.
  if (value.length > 1024 || /\p{Cc}/u.test(value)) {
    problems.push(`${field} must be at most 1024 characters without control characters.`);
    return false;
  }
  return true;
}

/** Checks a timestamp's form, and that it names a real instant: `toISOString` gives back the same text only for valid dates. */
function checkTimestamp(field: string, value: unknown, problems: string[]): value is string {
  if (value === undefined) {
    problems.push(`${field} is required.`);
    return false;
  }
  if (typeof value !== 'string') {
    problems.push(`${field} must be a string: ${TIMESTAMP_FORM}.`);
    return false;
  }
  const time = new Date(value);
  if (!TIMESTAMP.test(value) || Number.isNaN(time.getTime()) || time.toISOString() !== value) {
    problems.push(`${field} has the value ${echoValue(value)}, which is invalid: it must be ${TIMESTAMP_FORM}.`);
    return false;
  }
  return true;
}

function checkRevision(value: unknown, problems: string[]): number | undefined {
  if (value === undefined) {
    return 1;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INT32) {
    problems.push(`revision has the value ${showValue(value)}, which is invalid: it must be an integer from 1 to ${MAX_INT32}.`);
    return undefined;
  }
  return value;
}

/**
 * Parses and validates one line of an import. The template fields follow the
 * rules of a create request, with its defaults and name normalisation. The
 * fields `id`, `created_by`, `updated_by`, `created_at` and `updated_at` are
 * required and kept as given, and `revision` defaults to 1. The reason lists
 * every problem found, each with its field path, and never quotes an
 * environment variable's value.
 */
export function parseTemplateRecord(line: string): TemplateRecordResult {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: describeJsonError(error) };
  }
  if (!isPlainObject(record)) {
    return { ok: false, reason: `the line must be a JSON object, not ${jsonTypeName(record)}.` };
  }

  const problems: string[] = [];
  for (const key of Object.keys(record)) {
    if (!KNOWN_FIELDS.has(key)) {
      problems.push(`${keyLabel(key)} is not a known field. Remove it or check its spelling.`);
    }
  }

  const { id, created_by: createdBy, updated_by: updatedBy, created_at: createdAt, updated_at: updatedAt } = record;
  const idValid = checkId(id, problems);
  const createdByValid = checkUserId('created_by', createdBy, problems);
  const updatedByValid = checkUserId('updated_by', updatedBy, problems);
  const createdAtValid = checkTimestamp('created_at', createdAt, problems);
  const updatedAtValid = checkTimestamp('updated_at', updatedAt, problems);
  if (createdAtValid && updatedAtValid && updatedAt < createdAt) {
    problems.push(`updated_at (${echoValue(updatedAt)}) is before created_at (${echoValue(createdAt)}); it must not be earlier.`);
  }
  const revision = checkRevision(record.revision, problems);

  const body: Record<string, unknown> = {};
  for (const field of CONTENT_FIELDS) {
    if (Object.hasOwn(record, field)) {
      body[field] = record[field];
    }
  }
  const content = validateCreateBody(body);
  if (!content.ok) {
    problems.push(...content.errors.map(formatFieldError));
  }

  // The validity flags repeat what `problems` records, so that the types below are narrowed.
  if (problems.length > 0 || !content.ok || !idValid || !createdByValid || !updatedByValid || !createdAtValid || !updatedAtValid || revision === undefined) {
    return { ok: false, reason: problems.join(' ') };
  }
  return {
    ok: true,
    template: {
      id,
      ...content.content,
      created_by: createdBy,
      updated_by: updatedBy,
      created_at: createdAt,
      updated_at: updatedAt,
      revision,
    },
  };
}

/**
 * Formats a template as one JSON Lines record, without the line break: the
 * fields of the API representation in its order, then `revision`. Any other
 * property of `template` is left out.
 */
export function formatTemplateRecord(template: StoredTemplate): string {
  // The record is the API representation, whose fields, revision included, come in the response's order.
  return serializeTemplate(template);
}
