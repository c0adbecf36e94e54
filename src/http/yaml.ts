/**
 * YAML output that YAML 1.1 and YAML 1.2 readers both read back exactly.
 * kubectl reads manifests with a YAML 1.1 parser (go-yaml v2, through
 * sigs.k8s.io/yaml), which takes plain `yes`, `on`, `y` or `0755` for
 * booleans and numbers, while most other tools read YAML 1.2. A string
 * such as an environment value "yes" must therefore be quoted.
 */
import { Document, Scalar, visit } from 'yaml';

/**
 * Plain scalars that the YAML 1.2 core schema (YAML 1.2.2, section 10.3.2)
 * resolves to null, a boolean or a number. The `yaml` package quotes
 * strings that its YAML 1.1 schema would resolve to another type, which
 * covers most of these, but not all: it writes `0o17`, an integer in YAML
 * 1.2, plain.
 */
const YAML_1_2_CORE_NON_STRINGS: readonly RegExp[] = [
  /^(?:null|Null|NULL|~|)$/,
  /^(?:true|True|TRUE|false|False|FALSE)$/,
  /^[-+]?[0-9]+$/,
  /^0o[0-7]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/,
  /^[-+]?(?:\.inf|\.Inf|\.INF)$/,
  /^(?:\.nan|\.NaN|\.NAN)$/,
];

/** YAML 1.1 reads a plain `<<` key as a merge of another map, not as a key of its own. */
const MERGE_KEY = '<<';
const MERGE_TAG = 'tag:yaml.org,2002:merge';

/**
 * Characters that the `yaml` package writes unescaped, even in double
 * quotes: YAML 1.1 reads NEXT LINE, LINE SEPARATOR and PARAGRAPH SEPARATOR
 * as line breaks, and YAML 1.2 allows a byte order mark only at the start of
 * a stream. They are escaped after serialization.
 */
const UNESCAPED_CHARACTER = /[\u0085\u2028\u2029\ufeff]/;
const ESCAPES: Readonly<Record<string, string>> = { '\u0085': '\\N', '\u2028': '\\L', '\u2029': '\\P', '\ufeff': '\\uFEFF' };

function needsQuotes(text: string): boolean {
  return text === MERGE_KEY || UNESCAPED_CHARACTER.test(text) || YAML_1_2_CORE_NON_STRINGS.some((pattern) => pattern.test(text));
}

/**
 * Serializes JSON data as one YAML document that YAML 1.1 and 1.2 readers
 * both read back as the same data. Long strings are not folded.
 */
export function stringifyYaml(value: unknown): string {
  // The YAML 1.1 schema makes the `yaml` package quote every string that YAML 1.1 would read as another type.
  // Its merge tag is left out because it writes the string "<<" plain, which is a merge key.
  const document = new Document(value, {
    version: '1.1',
    customTags: (tags) => tags.filter((tag) => typeof tag === 'string' || tag.tag !== MERGE_TAG),
  });
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && needsQuotes(node.value)) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  // Every string with these characters is double-quoted, where YAML escapes are valid.
  return document.toString({ lineWidth: 0 }).replace(new RegExp(UNESCAPED_CHARACTER.source, 'g'), (character) => ESCAPES[character] ?? character);
}
