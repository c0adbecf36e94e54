/**
 * Kubernetes resource quantities ("500m", "1.5Gi", "1e3"), parsed into exact values.
 *
 * The accepted syntax follows k8s.io/apimachinery/pkg/api/resource (quantity.go and suffix.go):
 *
 * ```
 * <quantity>        ::= <signedNumber><suffix>
 * <suffix>          ::= <binarySI> | <decimalExponent> | <decimalSI>
 * <binarySI>        ::= Ki | Mi | Gi | Ti | Pi | Ei
 * <decimalSI>       ::= n | u | m | "" | k | M | G | T | P | E
 * <decimalExponent> ::= "e" <signedInteger> | "E" <signedInteger>
 * <signedNumber>    ::= <number> | <sign><number>
 * <sign>            ::= "+" | "-"
 * <number>          ::= <digits> | <digits>.<digits> | <digits>. | .<digits>
 * ```
 *
 * The Kubernetes grammar comment writes `<signedNumber>` after "e", but its parser reads the
 * exponent with strconv.ParseInt, so "1e3.5" is invalid there and here. Unlike the Kubernetes
 * scanner, this parser also rejects forms outside the grammar that Kubernetes tolerates,
 * such as "Gi", "." and "-". Parsed values also stay exact, whereas Kubernetes rounds values
 * finer than 1n away from zero and caps binarySI values at 2^63-1.
 */

/** Exact quantity value `sign * digits * 10^pow10 * 2^pow2`, free of floating-point rounding. */
export interface Quantity {
  readonly sign: 1 | -1;
  readonly digits: bigint;
  readonly pow10: number;
  readonly pow2: number;
}

/** Outcome of {@link parseQuantity}: the quantity, or the reason the text was rejected. */
export type QuantityParseResult =
  | { ok: true; quantity: Quantity }
  | { ok: false; reason: 'syntax' | 'negative' | 'out_of_range' };

/** Maximum accepted text length, which bounds the digit count of every parsed quantity. */
const MAX_TEXT_LENGTH = 64;

/** Maximum absolute power of ten, which bounds the BigInt sizes in comparisons. */
const MAX_ABS_POW10 = 1000n;

const SUFFIX_POWERS: ReadonlyMap<string, { pow10: number; pow2: number }> = new Map([
  ['', { pow10: 0, pow2: 0 }],
  ['n', { pow10: -9, pow2: 0 }],
  ['u', { pow10: -6, pow2: 0 }],
  ['m', { pow10: -3, pow2: 0 }],
  ['k', { pow10: 3, pow2: 0 }],
  ['M', { pow10: 6, pow2: 0 }],
  ['G', { pow10: 9, pow2: 0 }],
  ['T', { pow10: 12, pow2: 0 }],
  ['P', { pow10: 15, pow2: 0 }],
  ['E', { pow10: 18, pow2: 0 }],
  ['Ki', { pow10: 0, pow2: 10 }],
  ['Mi', { pow10: 0, pow2: 20 }],
  ['Gi', { pow10: 0, pow2: 30 }],
  ['Ti', { pow10: 0, pow2: 40 }],
  ['Pi', { pow10: 0, pow2: 50 }],
  ['Ei', { pow10: 0, pow2: 60 }],
]);

// The exponent alternative comes first, so "1E3" is an exponent while "1E" falls back to
// the suffix lookup (exa). The 64-character cap bounds any backtracking.
const QUANTITY_PATTERN =
  /^(?<sign>[+-]?)(?:(?<integer>[0-9]+)(?:\.(?<fraction>[0-9]*))?|\.(?<onlyFraction>[0-9]+))(?:[eE](?<exponent>[+-]?[0-9]+)|(?<suffix>[A-Za-z]*))$/;

/**
 * Parses a Kubernetes resource quantity such as "500m", "1.5Gi" or "1e3" into an exact value.
 *
 * Rejects text outside the grammar or longer than 64 characters with 'syntax', a value
 * below zero with 'negative' ("-0" is zero and accepted), and a final power of ten beyond
 * ±1000 with 'out_of_range', checking in that order. The limits keep BigInt arithmetic on
 * the result fast.
 * The returned digits keep trailing zeros: "500m" has digits 500 and pow10 -3.
 */
export function parseQuantity(text: string): QuantityParseResult {
  if (text.length > MAX_TEXT_LENGTH) {
    return { ok: false, reason: 'syntax' };
  }

  const groups = QUANTITY_PATTERN.exec(text)?.groups;
  if (groups === undefined) {
    return { ok: false, reason: 'syntax' };
  }

  const integerDigits = groups['integer'] ?? '';
  const fractionDigits = groups['fraction'] ?? groups['onlyFraction'] ?? '';
  const digits = BigInt(integerDigits + fractionDigits);

  const exponentText = groups['exponent'];
  const suffixPowers =
    exponentText === undefined
      ? SUFFIX_POWERS.get(groups['suffix'] ?? '')
      : { pow10: 0, pow2: 0 };
  if (suffixPowers === undefined) {
    return { ok: false, reason: 'syntax' };
  }

  if (groups['sign'] === '-' && digits !== 0n) {
    return { ok: false, reason: 'negative' };
  }

  // BigInt keeps a long exponent such as "1e99999999999999999999" exact until the range check.
  const exponent = exponentText === undefined ? 0n : BigInt(exponentText);
  const pow10 = exponent - BigInt(fractionDigits.length) + BigInt(suffixPowers.pow10);
  if (pow10 > MAX_ABS_POW10 || pow10 < -MAX_ABS_POW10) {
    return { ok: false, reason: 'out_of_range' };
  }

  return {
    ok: true,
    quantity: { sign: 1, digits, pow10: Number(pow10), pow2: suffixPowers.pow2 },
  };
}

/** Returns -1, 0 or 1 for a value below, equal to or above zero. */
function signum(q: Quantity): -1 | 0 | 1 {
  if (q.digits === 0n) {
    return 0;
  }
  return q.digits > 0n ? q.sign : (-q.sign as -1 | 1);
}

/**
 * Compares two quantities by exact value across units, so "1000m" equals "1" and "1Gi"
 * exceeds "1G".
 *
 * Both sides are scaled to the smaller power of ten and of two and then compared as BigInt
 * values, never as floating point. The cost grows with the difference between the powers,
 * which {@link parseQuantity} bounds. Powers must be integers, as parseQuantity returns them,
 * because a fractional power can make BigInt throw RangeError.
 */
export function compareQuantities(a: Quantity, b: Quantity): -1 | 0 | 1 {
  const signA = signum(a);
  const signB = signum(b);
  if (signA !== signB) {
    return signA < signB ? -1 : 1;
  }
  if (signA === 0) {
    return 0;
  }

  const minPow10 = Math.min(a.pow10, b.pow10);
  const minPow2 = Math.min(a.pow2, b.pow2);
  const magnitudeA = absolute(a.digits) * scaleFactor(a.pow10 - minPow10, a.pow2 - minPow2);
  const magnitudeB = absolute(b.digits) * scaleFactor(b.pow10 - minPow10, b.pow2 - minPow2);
  if (magnitudeA === magnitudeB) {
    return 0;
  }

  const magnitudeOrder = magnitudeA < magnitudeB ? -1 : 1;
  return signA > 0 ? magnitudeOrder : (-magnitudeOrder as -1 | 1);
}

/**
 * Returns whether the quantity's value is an integer: true for "1k", "1000m" and "1.5Gi",
 * false for "0.5", "1500m" and "1e-1". Throws RangeError when a non-zero quantity has a
 * fractional power.
 */
export function isWholeNumber(q: Quantity): boolean {
  if (q.digits === 0n) {
    return true;
  }

  const numerator = absolute(q.digits) * scaleFactor(Math.max(q.pow10, 0), Math.max(q.pow2, 0));
  const denominator = scaleFactor(Math.max(-q.pow10, 0), Math.max(-q.pow2, 0));
  return numerator % denominator === 0n;
}

function scaleFactor(pow10: number, pow2: number): bigint {
  return 10n ** BigInt(pow10) * 2n ** BigInt(pow2);
}

function absolute(value: bigint): bigint {
  return value < 0n ? -value : value;
}
