/**
 * Rendering of errors as RFC 9457 problem documents: catalogue errors,
 * authentication failures, framework errors (bad JSON, body limit, content
 * type) and unexpected failures, which are logged and returned without
 * internals.
 */
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AuthenticationError, type AuthFailureReason } from '../auth/token-verifier.js';
import { ApiError } from '../errors/api-error.js';
import { cutForEcho } from '../errors/echo.js';
import { FIELD_MESSAGES, formatMessage, PROBLEMS, type Language, type LocalizedText } from '../errors/catalogue.js';
import { StoreUnavailableError } from '../store/template-store.js';
import { preferredLanguage } from './language.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const BODY_LIMIT_BYTES = 1_048_576;

/** Prefix of each problem's `type` URI; the problem's code follows it. */
const PROBLEM_TYPE_PREFIX = 'urn:job-templates:problem:';

const AUTH_REASONS: Record<AuthFailureReason, LocalizedText> = {
  missing: { en: 'The Authorization header with a bearer token is missing.', zh: '缺少携带 Bearer 令牌的 Authorization 请求头。' },
  malformed: { en: 'The Authorization header is not "Bearer" followed by a well-formed JWT.', zh: 'Authorization 请求头不是 "Bearer" 加格式正确的 JWT。' },
  invalid_signature: { en: 'The token signature is invalid.', zh: '令牌签名无效。' },
  expired: { en: 'The token has expired.', zh: '令牌已过期。' },
  not_yet_valid: { en: 'The token is not valid yet (nbf is in the future).', zh: '令牌尚未生效（nbf 在未来）。' },
  invalid_claims: {
    en: 'The token claims are invalid: it needs "exp" and a string "sub", array "roles" and "projects", and the configured issuer and audience.',
    zh: '令牌声明无效：需要 "exp" 和字符串 "sub"，"roles" 与 "projects" 须为数组，且签发者与受众须与配置一致。',
  },
  unsupported_algorithm: { en: 'The token uses a signing algorithm this service does not accept.', zh: '令牌使用了本服务不接受的签名算法。' },
  key_unavailable: { en: 'The keys to verify the token could not be fetched; retry later.', zh: '无法获取验证令牌所需的密钥，请稍后重试。' },
};

/** Framework error codes and the catalogue problem each becomes. */
function problemForFrameworkError(error: FastifyError, request: FastifyRequest): ApiError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', { contentType: cutForEcho(String(request.headers['content-type'] ?? '')) });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('body_too_large', { limit: BODY_LIMIT_BYTES });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('body_missing');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_json', { reason: 'the Content-Length header does not match the body' });
    default:
      break;
  }
  if (error instanceof SyntaxError || (error.statusCode === 400 && /JSON|prototype|constructor/i.test(error.message))) {
    return new ApiError('invalid_json', { reason: error.message.replace(/\.$/, '').slice(0, 200) });
  }
  return undefined;
}

function toApiError(error: unknown, request: FastifyRequest): ApiError | undefined {
  if (error instanceof ApiError) {
    return error;
  }
  if (error instanceof AuthenticationError) {
    const headerValue =
      error.reason === 'missing' ? 'Bearer realm="job-templates"' : 'Bearer realm="job-templates", error="invalid_token"';
    return new ApiError('unauthorized', { reason: AUTH_REASONS[error.reason] }, { headers: { 'www-authenticate': headerValue } });
  }
  if (error instanceof StoreUnavailableError) {
    return new ApiError('service_unavailable', {}, { headers: { 'retry-after': '1' } });
  }
  if (typeof error === 'object' && error !== null && 'code' in error) {
    return problemForFrameworkError(error as FastifyError, request);
  }
  return undefined;
}

/** Builds the problem document of an error in one language. */
export function renderProblem(error: ApiError, language: Language, requestId: string): Record<string, unknown> {
  const definition = PROBLEMS[error.code];
  const document: Record<string, unknown> = {
    type: `${PROBLEM_TYPE_PREFIX}${error.code}`,
    title: definition.title[language],
    status: error.status,
    detail: formatMessage(definition.detail[language], error.params, language),
    code: error.code,
  };
  if (error.fieldErrors.length > 0) {
    document.errors = error.fieldErrors.map((fieldError) => {
      const subject = fieldError.field === '' ? (language === 'zh' ? '请求体' : 'The body') : fieldError.field;
      const message = formatMessage(FIELD_MESSAGES[fieldError.code][language], fieldError.params ?? {}, language);
      return { field: fieldError.field, message: `${subject} ${message}`, code: fieldError.code };
    });
  }
  document.request_id = requestId;
  return document;
}

/** Sends an error as a problem document in the language the client prefers. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: ApiError): FastifyReply {
  const language = preferredLanguage(request.headers['accept-language']);
  for (const [name, value] of Object.entries(error.headers)) {
    reply.header(name, value);
  }
  return reply
    .status(error.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(renderProblem(error, language, request.id)));
}

/** Fastify error handler: every error becomes a problem document; unexpected ones are logged with their stack. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const apiError = toApiError(error, request);
  if (apiError !== undefined) {
    if (apiError.status >= 500) {
      request.log.warn({ err: error }, 'request failed because the store is unavailable');
    }
    return sendProblem(request, reply, apiError);
  }
  const status = (error as FastifyError | undefined)?.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // A client error raised by the framework that the catalogue has no entry for.
    request.log.info({ err: error }, 'request rejected by the framework');
    return sendProblem(request, reply, new ApiError('bad_request', { reason: (error as Error).message.replace(/\.$/, '').slice(0, 200) }));
  }
  request.log.error({ err: error }, 'request failed with an unexpected error');
  return sendProblem(request, reply, new ApiError('internal_error'));
}

/**
 * Sends problem documents for the errors that Fastify raises while routing, before any hook runs:
 * a URL with invalid percent-encoding (400), and a path segment longer than
 * the router's parameter limit, which names no template (404).
 */
export function handleRoutingError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('x-request-id', request.id);
  reply.header('x-content-type-options', 'nosniff');
  const path = cutForEcho(request.url.split('?')[0] ?? '');
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    request.log.info({ err: error }, 'request rejected by the router: path segment too long');
    return sendProblem(request, reply, new ApiError('route_not_found', { method: request.method, path }));
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    request.log.info({ err: error }, 'request rejected by the router: invalid URL');
    const reason = { en: 'the URL path contains an invalid percent-encoding', zh: 'URL 路径包含无效的百分号编码' };
    return sendProblem(request, reply, new ApiError('bad_request', { reason }));
  }
  return handleError(error, request, reply);
}

/** Sends a problem document for requests to unknown paths. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const path = request.url.split('?')[0] ?? '';
  return sendProblem(request, reply, new ApiError('route_not_found', { method: request.method, path: cutForEcho(path) }));
}

/**
 * Sends a problem document for errors that Node.js raises before a request reaches Fastify (a
 * request that timed out, headers too large, a malformed request line) with
 * a problem document, in English because no header could be read, then
 * closes the connection, as Fastify's default handler does.
 */
export function handleClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new ApiError('request_timeout')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new ApiError('headers_too_large')
        : new ApiError('bad_request', { reason: 'the request line or headers are not valid HTTP' });
  if (socket.writable) {
    const body = JSON.stringify(renderProblem(problem, 'en', randomUUID()));
    socket.write(
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
