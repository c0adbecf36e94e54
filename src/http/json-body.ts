/**
 * The JSON body parser: Fastify's default parser, which rejects `__proto__`
 * and `constructor.prototype` keys, behind a limit on nesting depth.
 * Validation walks bodies recursively, so a body nested 100,000 levels
 * deep overflowed the stack on Node 20 and ended in a 500. RFC 8259
 * (section 9) lets a parser limit the depth of nesting.
 */
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors/api-error.js';

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

/** Replaces the `application/json` parser with the default one behind the nesting limit. */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
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
    parseJson(request, text, done);
  });
}
