/**
 * Parsing of Kubernetes equality-based label selectors, as the list's
 * `label_selector` parameter takes them: comma-separated requirements
 * `key=value` (or `key==value`), `key!=value`, `key` (has the label) and
 * `!key` (lacks it), all of which must hold.
 */
import { isLabelKey, isLabelValue } from './labels.js';

/** One requirement of a selector. */
export type LabelRequirement =
  | { readonly operator: 'equals'; readonly key: string; readonly value: string }
  | { readonly operator: 'not-equals'; readonly key: string; readonly value: string }
  | { readonly operator: 'exists'; readonly key: string }
  | { readonly operator: 'not-exists'; readonly key: string };

/** The outcome of parsing a selector; `reason` names the first malformed requirement. */
export type LabelSelectorResult =
  | { readonly ok: true; readonly requirements: LabelRequirement[] }
  | { readonly ok: false; readonly reason: string };

/** Requirements per selector; more would make one list query join without bound. */
export const MAX_REQUIREMENTS = 20;

/** Parses a selector; the empty selector has no requirements and matches everything. */
export function parseLabelSelector(selector: string): LabelSelectorResult {
  if (selector.trim() === '') {
    return { ok: true, requirements: [] };
  }
  const parts = selector.split(',');
  if (parts.length > MAX_REQUIREMENTS) {
    return { ok: false, reason: `more than ${MAX_REQUIREMENTS} requirements` };
  }
  const requirements: LabelRequirement[] = [];
  for (const rawPart of parts) {
    const part = rawPart.trim();
    const match = /^(!?)\s*([^=!\s]+)\s*(?:(==|=|!=)\s*([^=!\s]*))?$/.exec(part);
    if (match === null) {
      return { ok: false, reason: `"${part.slice(0, 64)}" is not key, !key, key=value or key!=value` };
    }
    const [, negation, key = '', operator, value = ''] = match;
    if (!isLabelKey(key)) {
      return { ok: false, reason: `"${key.slice(0, 64)}" is not a valid label key` };
    }
    if (operator === undefined) {
      requirements.push({ operator: negation === '!' ? 'not-exists' : 'exists', key });
      continue;
    }
    if (negation === '!') {
      return { ok: false, reason: `"${part.slice(0, 64)}" combines "!" with a value` };
    }
    if (!isLabelValue(value)) {
      return { ok: false, reason: `"${value.slice(0, 64)}" is not a valid label value` };
    }
    requirements.push({ operator: operator === '!=' ? 'not-equals' : 'equals', key, value });
  }
  return { ok: true, requirements };
}
