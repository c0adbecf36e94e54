import type { FieldErrorCode, MessageParams, ProblemCode } from './catalogue.js';
import { PROBLEMS } from './catalogue.js';

/** One failed check of a 422 problem: the field path, the stable code and the message parameters. */
export interface FieldError {
  /** Path into the body in JavaScript syntax (`containers[1].env_vars[0].name`), `""` for the whole body, `query.<name>` for a query parameter. */
  readonly field: string;
  readonly code: FieldErrorCode;
  readonly params?: MessageParams;
}

/**
 * An error that the API returns to the client as an RFC 9457 problem
 * document. The code selects the status and messages from the catalogue.
 */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly params: MessageParams;
  readonly fieldErrors: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ProblemCode,
    params: MessageParams = {},
    options: { fieldErrors?: readonly FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(`${code}: ${PROBLEMS[code].title.en}`, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.params = params;
    this.fieldErrors = options.fieldErrors ?? [];
    this.headers = options.headers ?? {};
  }
}

/** Failures listed in one 422 problem; a body with more gets the first ones and the total count. */
export const MAX_LISTED_ERRORS = 100;

/** Creates the 422 problem for a list of failed checks. */
export function validationFailed(fieldErrors: readonly FieldError[]): ApiError {
  const listed = fieldErrors.length > MAX_LISTED_ERRORS ? fieldErrors.slice(0, MAX_LISTED_ERRORS) : fieldErrors;
  const note =
    listed.length < fieldErrors.length
      ? { en: ` Only the first ${MAX_LISTED_ERRORS} are listed.`, zh: `仅列出前 ${MAX_LISTED_ERRORS} 处。` }
      : { en: '', zh: '' };
  return new ApiError('validation_failed', { count: fieldErrors.length, note }, { fieldErrors: listed });
}
