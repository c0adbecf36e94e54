/**
 * The JSON body parser: secure-json-parse, as Fastify's default parser uses
 * it, rejecting `__proto__` and `constructor.prototype` keys, behind a limit
 * on nesting depth, with errors that give where the syntax broke.
 * Validation walks bodies recursively, so a body nested 100,000 levels
 * deep overflowed the stack on Node 20 and ended in a 500. RFC 8259
 * (section 9) lets a parser limit the depth of nesting.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { ApiError } from '../errors/api-error.js';
import type { LocalizedText } from '../errors/catalogue.js';
import { cutForEcho } from '../errors/echo.js';

/** Decodes request bodies, rejecting bytes that are not UTF-8 rather than replacing them with U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Deepest nesting of arrays and objects accepted in a body. A valid template
 * nests 5 levels (body, containers, container, resources, requests).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Checks whether JSON text nests arrays and objects deeper than `limit`.
 * Brackets inside strings do not count. The scan does not check the syntax,
 * which the parser does afterwards.
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charCodeAt(index);
    if (inString) {
      if (character === 0x5c) {
        // A backslash escapes the next character, which may be a quote.
        index += 1;
      } else if (character === 0x22) {
        inString = false;
      }
    } else if (character === 0x22) {
      inString = true;
    } else if (character === 0x5b || character === 0x7b) {
      depth += 1;
      if (depth > limit) {
        return true;
      }
    } else if (character === 0x5d || character === 0x7d) {
      depth -= 1;
    }
  }
  return false;
}

/**
 * Describes a JSON syntax error by its position. The parser's message can
 * quote part of the body, which may hold a secret, so only the kind of error,
 * the position and at most one character are kept.
 */
export function describeSyntaxError(error: Error): LocalizedText {
  const positioned = /^(.*) in JSON at position (\d+)/.exec(error.message);
  if (positioned !== null) {
    return { en: `${positioned[1]} at position ${positioned[2]}`, zh: `在第 ${positioned[2]} 个字符处：${positioned[1]}` };
  }
  if (/Unexpected end of JSON input/.test(error.message)) {
    return { en: 'the body ends before the JSON value is complete', zh: 'JSON 值尚未结束，请求体就已结束' };
  }
  const token = /^Unexpected token '(.)'/u.exec(error.message);
  if (token !== null) {
    return { en: `unexpected character '${token[1]}'`, zh: `意外的字符 '${token[1]}'` };
  }
  return { en: 'it is not valid JSON text', zh: '它不是有效的 JSON 文本' };
}

/** Replaces the `application/json` parser with one behind the nesting limit. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      // JSON exchanged between systems is UTF-8 (RFC 8259, section 8.1); another charset cannot be honoured.
      done(new ApiError('unsupported_media_type', { contentType: cutForEcho(request.headers['content-type'] ?? '') }), undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new ApiError('invalid_json', { reason: { en: 'it is not valid UTF-8', zh: '它不是有效的 UTF-8 编码' } }), undefined);
      return;
    }
    if (text === '') {
      done(new ApiError('body_missing'), undefined);
      return;
    }
    if (exceedsJsonDepth(text, MAX_JSON_DEPTH)) {
      done(
        new ApiError('invalid_json', {
          reason: {
            en: `arrays and objects are nested deeper than the limit of ${MAX_JSON_DEPTH} levels`,
            zh: `数组和对象的嵌套超过了 ${MAX_JSON_DEPTH} 层的上限`,
          },
        }),
        undefined,
      );
      return;
    }
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      // secure-json-parse reports a forbidden key as a SyntaxError too, so its message distinguishes the two.
      const reason = /forbidden prototype property/.test((error as Error).message)
        ? { en: 'it contains a "__proto__" or "constructor.prototype" key, which is not allowed', zh: '包含不允许的 "__proto__" 或 "constructor.prototype" 键' }
        : describeSyntaxError(error as Error);
      done(new ApiError('invalid_json', { reason }), undefined);
    }
  });
}
