/** Values echoed in messages are cut to this many code points, so that a huge input cannot bloat an error. */
export const MAX_ECHOED_LENGTH = 64;

/** Cuts text for a message to 64 code points, marking a cut with "…". */
export function cutForEcho(text: string): string {
  // Only the start is split into code points, so that a huge value costs no more than a short one.
  const codePoints = Array.from(text.slice(0, MAX_ECHOED_LENGTH * 2 + 1));
  return codePoints.length > MAX_ECHOED_LENGTH ? `${codePoints.slice(0, MAX_ECHOED_LENGTH).join('')}…` : text;
}

/** Quotes a value for a message as a JSON string, cut to 64 code points. */
export function echoValue(value: unknown): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return JSON.stringify(cutForEcho(text));
}
