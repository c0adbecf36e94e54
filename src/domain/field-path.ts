const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A path into a JSON document: property names and array indexes. */
export type FieldPath = readonly (string | number)[];

/**
 * Formats a path in JavaScript syntax: `containers[1].env_vars[0].name`, and
 * `resources.limits["nvidia.com/gpu"]` for keys that are not identifiers. The
 * empty path, meaning the whole body, is `""`.
 */
export function formatFieldPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

/** Splits an RFC 6901 JSON pointer, as Ajv reports it, into path segments. */
export function parseJsonPointer(pointer: string): (string | number)[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      const segment = token.replace(/~1/g, '/').replace(/~0/g, '~');
      return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
    });
}
