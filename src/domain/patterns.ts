import type { LocalizedText } from '../errors/catalogue.js';

/** A pattern a string field must match, with the allowed form described for error messages. */
export interface NamedPattern {
  readonly source: string;
  readonly regex: RegExp;
  readonly description: LocalizedText;
}

function namedPattern(source: string, description: LocalizedText): NamedPattern {
  return { source, regex: new RegExp(source, 'u'), description };
}

/** Kubernetes DNS-1123 label, used for container names. */
export const DNS_1123_LABEL = namedPattern('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', {
  en: 'a DNS-1123 label: lowercase letters a-z, digits 0-9 and "-", starting and ending with a letter or digit, at most 63 characters (for example "main" or "log-shipper")',
  zh: 'DNS-1123 标签：仅含小写字母 a-z、数字 0-9 和 "-"，以字母或数字开头和结尾，最多 63 个字符（例如 "main" 或 "log-shipper"）',
});

/**
 * Kubernetes environment variable name: letters, digits, `-`, `.`, `_`, not
 * starting with a digit, and not `.`, `..` or anything starting with `..`.
 */
export const ENV_VAR_NAME = namedPattern('^(?!\\.\\.)(?!\\.$)[-._a-zA-Z][-._a-zA-Z0-9]*$', {
  en: 'an environment variable name: letters, digits, "-", "." and "_", not starting with a digit, and not ".", ".." or starting with ".." (for example "BATCH_SIZE" or "my.env-name")',
  zh: '环境变量名：仅含字母、数字、"-"、"." 和 "_"，不能以数字开头，且不能是 "."、".." 或以 ".." 开头（例如 "BATCH_SIZE" 或 "my.env-name"）',
});

/**
 * Container image reference: any non-empty text without Unicode white space.
 * JavaScript's `\S` does not fit, because it accepts U+0085 (NEXT LINE),
 * which Unicode counts as white space, and rejects U+FEFF, which it does not.
 */
export const IMAGE_REFERENCE = namedPattern('^\\P{White_Space}+$', {
  en: 'an image reference without white space (for example "busybox:1.36")',
  zh: '不含空白字符的镜像引用（例如 "busybox:1.36"）',
});

/** Project identifier. */
export const PROJECT_ID = namedPattern('^[A-Za-z0-9._-]+$', {
  en: 'a project ID made of letters, digits, ".", "_" and "-"',
  zh: '由字母、数字、"."、"_" 和 "-" 组成的项目 ID',
});

/** Looks a pattern up by its source, as JSON Schema validators report it. */
export function findPattern(source: string): NamedPattern | undefined {
  return [DNS_1123_LABEL, ENV_VAR_NAME, IMAGE_REFERENCE, PROJECT_ID].find((pattern) => pattern.source === source);
}
