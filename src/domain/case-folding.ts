/**
 * Folds the case of text for case-insensitive matching, close to Unicode full
 * case folding. Upper-casing first applies the full mappings that lower-casing
 * alone misses ("ß" becomes "SS"). The two replacements cover the rest, because
 * capital sharp s lower-cases to "ß" and a final sigma lower-cases to "ς".
 */
export function foldCase(text: string): string {
  return text.normalize('NFC').toUpperCase().toLowerCase().replaceAll('ß', 'ss').replaceAll('ς', 'σ');
}
