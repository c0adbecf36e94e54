/**
 * Folds the case of text for case-insensitive matching. Upper-casing first
 * applies the full mappings that lower-casing alone misses ("ß" becomes "ss",
 * final "ς" becomes "σ"), which is close to Unicode full case folding.
 */
export function foldCase(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase();
}
