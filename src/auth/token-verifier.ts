import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey } from 'jose';

/** Authenticated caller derived from a verified bearer token. */
export interface Principal {
  /** The token's `sub` claim. */
  readonly userId: string;
  /** True when the `roles` claim contains `"admin"`. */
  readonly isAdmin: boolean;
  /** Project names from the `projects` claim, empty when the claim is absent. */
  readonly projects: ReadonlySet<string>;
  /** The token's `exp` claim in seconds since the Unix epoch. */
  readonly expiresAt: number;
}

/** Stable reason code of a failed authentication. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'invalid_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'invalid_claims'
  | 'unsupported_algorithm'
  | 'key_unavailable';

const DEFAULT_MESSAGES: Readonly<Record<AuthFailureReason, string>> = {
  missing: 'The Authorization header with a bearer token is missing.',
  malformed: 'The Authorization header must be "Bearer" followed by a well-formed JWT.',
  invalid_signature: 'The bearer token signature is invalid.',
  expired: 'The bearer token has expired.',
  not_yet_valid: 'The bearer token is not valid yet.',
  invalid_claims: 'The bearer token claims are invalid.',
  unsupported_algorithm: 'The bearer token uses a signing algorithm that this service does not accept.',
  key_unavailable: 'The keys to verify the bearer token could not be fetched. Try again later.',
};

/**
 * A rejected bearer token. The message is a short English sentence that is
 * safe to send to the client and never contains the token.
 */
export class AuthenticationError extends Error {
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string = DEFAULT_MESSAGES[reason], options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AuthenticationError';
    this.reason = reason;
  }
}

/** Configuration of a token verifier. Exactly one of `secret`, `publicKeyPem` and `jwksUrl` must be set. */
export interface TokenVerifierOptions {
  /** HS256 shared secret, used as its UTF-8 bytes; at least 32 bytes are recommended. */
  readonly secret?: string;
  /** PEM-encoded SPKI public key (`-----BEGIN PUBLIC KEY-----`). An RSA key allows RS256 only, an EC P-256 key ES256 only. */
  readonly publicKeyPem?: string;
  /** http(s) URL of a JSON Web Key Set. Tokens may use RS256 or ES256. */
  readonly jwksUrl?: string;
  /** Expected `iss` claim, checked only when set. */
  readonly issuer?: string;
  /** Expected `aud` claim, checked only when set. */
  readonly audience?: string;
  /** Tolerance in seconds for the `exp` and `nbf` checks. */
  readonly clockSkewSeconds: number;
  /** Verified tokens remembered until they expire; default 10,000, 0 turns the cache off. */
  readonly cacheSize?: number;
}

/** Verifier of `Authorization: Bearer <JWT>` headers. */
export interface TokenVerifier {
  /**
   * Verifies the header value and returns the caller.
   * @throws AuthenticationError when the header is missing or the token is rejected.
   */
  verify(authorizationHeader: string | undefined): Promise<Principal>;
}

/** Longest accepted token in characters. Longer tokens are rejected before any decoding. */
const MAX_TOKEN_LENGTH = 8192;

// RFC 6750 allows one or more spaces after the case-insensitive scheme name.
const BEARER_PREFIX = /^Bearer +/i;
// JWS compact serialization. The signature segment may be empty so that jose
// rejects unsecured (`alg: none`) and stripped tokens with a precise reason.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * RFC 7518 section 3.2 requires an HS256 key at least as long as the 256-bit
 * hash output. Shorter secrets are accepted, because existing token issuers
 * may use them, and the service logs a warning at start.
 */
export const MIN_RECOMMENDED_SECRET_BYTES = 32;

type VerificationKey = Uint8Array | KeyObject | JWTVerifyGetKey;

interface KeySource {
  readonly key: VerificationKey;
  readonly algorithms: readonly string[];
}

/**
 * Creates a verifier for one key source with a pinned algorithm list.
 * Header parameters such as `jku`, `x5u`, `jwk` and `kid` never cause a
 * fetch, because the key is fixed or comes from the configured JWKS URL.
 * `kid` only selects a key within that set.
 * @throws Error when not exactly one key source is set, or when the key, URL or clock skew is invalid.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (!Number.isFinite(options.clockSkewSeconds) || options.clockSkewSeconds < 0) {
    throw new Error(`clockSkewSeconds must be a non-negative number of seconds, got ${options.clockSkewSeconds}.`);
  }

  const source = createKeySource(options);
  const verifyOptions = {
    algorithms: [...source.algorithms],
    requiredClaims: ['exp', 'sub'],
    clockTolerance: options.clockSkewSeconds,
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
    ...(options.audience === undefined ? {} : { audience: options.audience }),
  };

  const cache = new VerifiedTokenCache(options.cacheSize ?? DEFAULT_CACHE_SIZE, options.clockSkewSeconds);

  return {
    async verify(authorizationHeader: string | undefined): Promise<Principal> {
      const token = extractBearerToken(authorizationHeader);
      const cached = cache.get(token);
      if (cached !== undefined) {
        return cached;
      }

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, source.key, verifyOptions));
      } catch (error) {
        throw toAuthenticationError(error);
      }

      const principal = toPrincipal(payload);
      cache.set(token, principal);
      return principal;
    },
  };
}

/** Verified tokens kept by default; about 0.5 KB each. */
const DEFAULT_CACHE_SIZE = 10_000;

/**
 * Tokens that passed verification, kept until they expire so that a client
 * sending the same token again skips the signature check. Only exact token
 * strings match, so a changed token is always verified. The oldest entry is
 * dropped when the cache is full. A cached token stays accepted until it
 * expires even if its signing key is removed from a JWKS meanwhile.
 */
class VerifiedTokenCache {
  readonly #entries = new Map<string, Principal>();
  readonly #maxSize: number;
  readonly #clockSkewMs: number;

  constructor(maxSize: number, clockSkewSeconds: number) {
    this.#maxSize = maxSize;
    this.#clockSkewMs = clockSkewSeconds * 1000;
  }

  get(token: string): Principal | undefined {
    const principal = this.#entries.get(token);
    if (principal === undefined) {
      return undefined;
    }
    // The same rule as the verifier's: a token is valid until exp plus the tolerated clock skew.
    if (Date.now() >= principal.expiresAt * 1000 + this.#clockSkewMs) {
      this.#entries.delete(token);
      return undefined;
    }
    return principal;
  }

  set(token: string, principal: Principal): void {
    if (this.#maxSize === 0) {
      return;
    }
    if (this.#entries.size >= this.#maxSize) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) {
        this.#entries.delete(oldest);
      }
    }
    this.#entries.set(token, principal);
  }
}

function createKeySource(options: TokenVerifierOptions): KeySource {
  const configuredSources = [
    options.secret === undefined ? undefined : 'secret',
    options.publicKeyPem === undefined ? undefined : 'publicKeyPem',
    options.jwksUrl === undefined ? undefined : 'jwksUrl',
  ].filter((name) => name !== undefined);

  if (configuredSources.length !== 1) {
    const found = configuredSources.length === 0 ? 'none' : configuredSources.join(', ');
    throw new Error(`Exactly one of secret, publicKeyPem and jwksUrl must be set, got ${found}.`);
  }

  if (options.secret !== undefined) {
    return createSecretSource(options.secret);
  }
  if (options.publicKeyPem !== undefined) {
    return createPublicKeySource(options.publicKeyPem);
  }
  return createJwksSource(options.jwksUrl ?? '');
}

function createSecretSource(secret: string): KeySource {
  const key = new TextEncoder().encode(secret);
  if (key.byteLength === 0) {
    throw new Error('The HS256 secret must not be empty.');
  }
  return { key, algorithms: ['HS256'] };
}

function createPublicKeySource(pem: string): KeySource {
  // createPublicKey also accepts private keys and certificates, so the PEM label is checked first.
  if (!pem.includes('-----BEGIN PUBLIC KEY-----')) {
    throw new Error('publicKeyPem must be a PEM-encoded SPKI public key starting with "-----BEGIN PUBLIC KEY-----".');
  }

  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch (error) {
    throw new Error('publicKeyPem could not be parsed as a PEM-encoded SPKI public key.', { cause: error });
  }

  if (key.asymmetricKeyType === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) {
      // jose rejects RSA keys below 2048 bits at verification, which would fail every token.
      throw new Error(`The RSA public key has ${bits} bits; use a key of at least 2048 bits.`);
    }
    return { key, algorithms: ['RS256'] };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType === 'ec' && curve === 'prime256v1') {
    return { key, algorithms: ['ES256'] };
  }

  const keyType = key.asymmetricKeyType === 'ec' ? `ec (${curve ?? 'unknown curve'})` : String(key.asymmetricKeyType);
  throw new Error(`publicKeyPem must be an RSA or EC P-256 public key, got key type ${keyType}.`);
}

function createJwksSource(jwksUrl: string): KeySource {
  let url: URL;
  try {
    url = new URL(jwksUrl);
  } catch (error) {
    // The value stays out of the message because a URL may carry credentials.
    throw new Error('jwksUrl is not a valid absolute URL.', { cause: error });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`jwksUrl must use http or https, got "${url.protocol}".`);
  }

  const remoteKeySet = createRemoteJWKSet(url);
  const key: JWTVerifyGetKey = async (protectedHeader, token) => {
    try {
      return await remoteKeySet(protectedHeader, token);
    } catch (error) {
      throw classifyKeySetError(error);
    }
  };
  return { key, algorithms: ['RS256', 'ES256'] };
}

/**
 * Keeps the errors that describe the token and turns every other failure of
 * the remote key set (network error, timeout, non-200 status, invalid JSON or
 * JWKS content) into 'key_unavailable'.
 */
function classifyKeySetError(error: unknown): unknown {
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return error;
  }
  return new AuthenticationError('key_unavailable', undefined, { cause: error });
}

function extractBearerToken(authorizationHeader: string | undefined): string {
  if (authorizationHeader === undefined || authorizationHeader.trim() === '') {
    throw new AuthenticationError('missing');
  }

  const prefix = BEARER_PREFIX.exec(authorizationHeader);
  if (prefix === null) {
    throw new AuthenticationError('malformed');
  }

  const token = authorizationHeader.slice(prefix[0].length);
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new AuthenticationError('malformed', `The bearer token is longer than ${MAX_TOKEN_LENGTH} characters.`);
  }
  if (!COMPACT_JWS.test(token)) {
    throw new AuthenticationError('malformed');
  }
  return token;
}

function toAuthenticationError(error: unknown): AuthenticationError {
  if (error instanceof AuthenticationError) {
    return error;
  }
  if (error instanceof errors.JWTExpired) {
    return new AuthenticationError('expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    // jose 6 reports a non-numeric nbf with reason 'invalid', which is a claims error and not a timing one.
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return new AuthenticationError('not_yet_valid');
    }
    return invalidClaim(error.claim);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthenticationError('invalid_signature');
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthenticationError('invalid_signature', 'No key of the configured key set matches the bearer token.');
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthenticationError('unsupported_algorithm');
  }
  return new AuthenticationError('malformed', 'The bearer token is not a well-formed JWT.', { cause: error });
}

// Claim names come from this module's own checks and jose's option checks, never from the token.
function invalidClaim(claim: string): AuthenticationError {
  return new AuthenticationError('invalid_claims', `The bearer token "${claim}" claim is missing or invalid.`);
}

/** Project IDs as templates store them; other entries of the `projects` claim are ignored. */
const PROJECT_ID_CLAIM = /^[A-Za-z0-9._-]{1,128}$/;

/** Longest accepted `sub` claim, in UTF-16 code units. */
const MAX_SUBJECT_LENGTH = 1024;

function toPrincipal(payload: JWTPayload): Principal {
  const { sub, exp } = payload;
  // sub is stored as created_by and updated_by, so it must be text that every store keeps exactly.
  if (typeof sub !== 'string' || sub === '' || sub.length > MAX_SUBJECT_LENGTH || !sub.isWellFormed() || /\p{Cc}/u.test(sub)) {
    throw invalidClaim('sub');
  }
  // jose has checked that exp is present and numeric, so this guards the types only.
  if (typeof exp !== 'number') {
    throw invalidClaim('exp');
  }

  const roles = readStringArrayClaim(payload, 'roles');
  // Entries that cannot be project IDs can match no template, and some stores cannot even compare them (NUL).
  const projects = readStringArrayClaim(payload, 'projects').filter((project) => PROJECT_ID_CLAIM.test(project));

  return {
    userId: sub,
    isAdmin: roles.includes('admin'),
    projects: new Set(projects),
    expiresAt: exp,
  };
}

/** Reads an optional claim that must be an array of strings when present. */
function readStringArrayClaim(payload: JWTPayload, claim: string): readonly string[] {
  const value = payload[claim];
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw invalidClaim(claim);
  }
  return value;
}
