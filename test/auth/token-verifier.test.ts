import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, createTokenVerifier } from '../../src/auth/token-verifier.js';
import type { AuthFailureReason, TokenVerifier, TokenVerifierOptions } from '../../src/auth/token-verifier.js';

const SECRET = 'test-secret-of-at-least-thirty-two-bytes';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const foreignRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ecPem = ec.publicKey.export({ type: 'spki', format: 'pem' }).toString();

type SigningKey = KeyObject | Uint8Array;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Signs an arbitrary claims set, so that tests can build tokens that SignJWT would reject. */
async function signToken(
  key: SigningKey,
  alg: string,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload = { sub: 'user-1', exp: nowSeconds() + 3600, ...claims };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg, typ: 'JWT', ...header })
    .sign(key);
}

function signHs256(claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Promise<string> {
  return signToken(new TextEncoder().encode(SECRET), 'HS256', claims, header);
}

function unsecuredToken(alg: string): string {
  const payload = { sub: 'user-1', exp: nowSeconds() + 3600, roles: ['admin'] };
  return `${base64url({ alg, typ: 'JWT' })}.${base64url(payload)}.`;
}

function withoutSignature(token: string): string {
  return token.slice(0, token.lastIndexOf('.') + 1);
}

function verifierWith(options: Partial<TokenVerifierOptions>): TokenVerifier {
  return createTokenVerifier({ clockSkewSeconds: 0, ...options });
}

async function expectRejected(
  verifier: TokenVerifier,
  header: string | undefined,
  reason: AuthFailureReason,
): Promise<AuthenticationError> {
  const error: unknown = await verifier.verify(header).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );

  expect(error).toBeInstanceOf(AuthenticationError);
  const authError = error as AuthenticationError;
  expect(authError.reason).toBe(reason);

  const token = header?.replace(/^\S+ */, '') ?? '';
  if (token.length >= 8) {
    expect(authError.message).not.toContain(token);
  }
  return authError;
}

describe('createTokenVerifier options', () => {
  it('rejects zero key sources', () => {
    expect(() => createTokenVerifier({ clockSkewSeconds: 0 })).toThrow(/Exactly one of secret, publicKeyPem and jwksUrl/);
  });

  it('rejects two key sources', () => {
    expect(() => createTokenVerifier({ secret: SECRET, publicKeyPem: rsaPem, clockSkewSeconds: 0 })).toThrow(
      /got secret, publicKeyPem/,
    );
  });

  it('rejects three key sources', () => {
    expect(() =>
      createTokenVerifier({ secret: SECRET, publicKeyPem: rsaPem, jwksUrl: 'https://example.com/jwks', clockSkewSeconds: 0 }),
    ).toThrow(/Exactly one/);
  });

  it('rejects empty secret', () => {
    expect(() => verifierWith({ secret: '' })).toThrow(/must not be empty/);
  });

  it('accepts short secret', async () => {
    const token = await new SignJWT({ sub: 'user-1' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode('short'));
    const principal = await verifierWith({ secret: 'short' }).verify(`Bearer ${token}`);
    expect(principal.userId).toBe('user-1');
  });

  it('rejects Ed25519 public key', () => {
    const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => verifierWith({ publicKeyPem: pem })).toThrow(/RSA or EC P-256.*ed25519/);
  });

  it('rejects EC P-384 public key', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    expect(() => verifierWith({ publicKeyPem: pem })).toThrow(/RSA or EC P-256.*secp384r1/);
  });

  it('rejects private key PEM', () => {
    const pem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => verifierWith({ publicKeyPem: pem })).toThrow(/SPKI public key/);
  });

  it('rejects unparsable PEM', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n';
    expect(() => verifierWith({ publicKeyPem: pem })).toThrow(/could not be parsed/);
  });

  it('rejects invalid JWKS URL', () => {
    expect(() => verifierWith({ jwksUrl: 'not a url' })).toThrow(/not a valid absolute URL/);
    expect(() => verifierWith({ jwksUrl: 'ftp://example.com/jwks' })).toThrow(/http or https/);
  });

  it('rejects negative clock skew', () => {
    expect(() => createTokenVerifier({ secret: SECRET, clockSkewSeconds: -1 })).toThrow(/clockSkewSeconds/);
  });
});

describe('TokenVerifier with HS256 secret', () => {
  const verifier = verifierWith({ secret: SECRET });

  it('returns principal fields', async () => {
    const exp = nowSeconds() + 600;
    const token = await signHs256({ sub: 'alice', exp, roles: ['viewer', 'admin'], projects: ['alpha', 'beta'] });

    const principal = await verifier.verify(`Bearer ${token}`);

    expect(principal.userId).toBe('alice');
    expect(principal.isAdmin).toBe(true);
    expect([...principal.projects].sort()).toEqual(['alpha', 'beta']);
    expect(principal.expiresAt).toBe(exp);
  });

  it('defaults optional claims', async () => {
    const principal = await verifier.verify(`Bearer ${await signHs256()}`);

    expect(principal.userId).toBe('user-1');
    expect(principal.isAdmin).toBe(false);
    expect(principal.projects.size).toBe(0);
  });

  it('is not admin without admin role', async () => {
    const principal = await verifier.verify(`Bearer ${await signHs256({ roles: ['viewer', 'Admin'] })}`);
    expect(principal.isAdmin).toBe(false);
  });

  it('accepts any scheme case and several spaces', async () => {
    const token = await signHs256();
    await expect(verifier.verify(`bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
    await expect(verifier.verify(`BEARER   ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects missing header', async () => {
    await expectRejected(verifier, undefined, 'missing');
    await expectRejected(verifier, '', 'missing');
  });

  it('rejects wrong scheme', async () => {
    const token = await signHs256();
    await expectRejected(verifier, `Basic ${token}`, 'malformed');
    await expectRejected(verifier, `Token ${token}`, 'malformed');
    await expectRejected(verifier, `Bearer${token}`, 'malformed');
    await expectRejected(verifier, token, 'malformed');
    await expectRejected(verifier, 'Bearer', 'malformed');
    await expectRejected(verifier, 'Bearer ', 'malformed');
  });

  it('rejects garbage tokens', async () => {
    const token = await signHs256();
    await expectRejected(verifier, 'Bearer garbage', 'malformed');
    await expectRejected(verifier, 'Bearer a.b', 'malformed');
    await expectRejected(verifier, 'Bearer a.b.c.d', 'malformed');
    await expectRejected(verifier, 'Bearer a.b.c', 'malformed');
    await expectRejected(verifier, 'Bearer !!!.@@@.###', 'malformed');
    await expectRejected(verifier, `Bearer ${token} extra`, 'malformed');
    await expectRejected(verifier, `Bearer ${token.replaceAll('-', '+')}x+/=`, 'malformed');
  });

  it('rejects non-JSON payload', async () => {
    const token = await new CompactSign(new TextEncoder().encode('not json'))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    await expectRejected(verifier, `Bearer ${token}`, 'malformed');
  });

  it('rejects alg none', async () => {
    await expectRejected(verifier, `Bearer ${unsecuredToken('none')}`, 'unsupported_algorithm');
  });

  it('rejects alg None', async () => {
    await expectRejected(verifier, `Bearer ${unsecuredToken('None')}`, 'unsupported_algorithm');
  });

  it('rejects removed signature', async () => {
    const token = await signHs256();
    await expectRejected(verifier, `Bearer ${withoutSignature(token)}`, 'invalid_signature');
    await expectRejected(verifier, `Bearer ${withoutSignature(token).slice(0, -1)}`, 'malformed');
  });

  it('rejects wrong secret', async () => {
    const token = await signToken(new TextEncoder().encode(`${SECRET}-other`), 'HS256');
    const error = await expectRejected(verifier, `Bearer ${token}`, 'invalid_signature');
    expect(error.message).toBe('The bearer token signature is invalid.');
  });

  it('rejects tampered payload', async () => {
    const token = await signHs256({ roles: ['viewer'] });
    const [header, , signature] = token.split('.');
    const forged = `${header}.${base64url({ sub: 'user-1', exp: nowSeconds() + 3600, roles: ['admin'] })}.${signature}`;
    await expectRejected(verifier, `Bearer ${forged}`, 'invalid_signature');
  });

  it('rejects RS256 token', async () => {
    await expectRejected(verifier, `Bearer ${await signToken(rsa.privateKey, 'RS256')}`, 'unsupported_algorithm');
  });

  it('rejects expired token', async () => {
    const error = await expectRejected(verifier, `Bearer ${await signHs256({ exp: nowSeconds() - 10 })}`, 'expired');
    expect(error.message).toBe('The bearer token has expired.');
  });

  it('rejects future nbf', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ nbf: nowSeconds() + 600 })}`, 'not_yet_valid');
  });

  it('rejects non-numeric nbf', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ nbf: 'tomorrow' })}`, 'invalid_claims');
  });

  it('rejects missing exp', async () => {
    const error = await expectRejected(verifier, `Bearer ${await signHs256({ exp: undefined })}`, 'invalid_claims');
    expect(error.message).toContain('"exp"');
  });

  it('rejects non-numeric exp', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ exp: 'never' })}`, 'invalid_claims');
  });

  it('rejects missing sub', async () => {
    const error = await expectRejected(verifier, `Bearer ${await signHs256({ sub: undefined })}`, 'invalid_claims');
    expect(error.message).toContain('"sub"');
  });

  it('rejects numeric sub', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ sub: 42 })}`, 'invalid_claims');
  });

  it('rejects empty sub', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ sub: '' })}`, 'invalid_claims');
  });

  it('rejects roles not an array', async () => {
    const error = await expectRejected(verifier, `Bearer ${await signHs256({ roles: 'admin' })}`, 'invalid_claims');
    expect(error.message).toContain('"roles"');
  });

  it('rejects non-string role', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ roles: ['admin', 1] })}`, 'invalid_claims');
  });

  it('rejects projects not an array', async () => {
    const error = await expectRejected(verifier, `Bearer ${await signHs256({ projects: { alpha: true } })}`, 'invalid_claims');
    expect(error.message).toContain('"projects"');
  });

  it('rejects oversized token', async () => {
    const token = await signHs256({ padding: 'x'.repeat(7000) });
    expect(token.length).toBeGreaterThan(8192);

    const error = await expectRejected(verifier, `Bearer ${token}`, 'malformed');
    expect(error.message).toContain('8192');
  });

  it('accepts token below size limit', async () => {
    const token = await signHs256({ padding: 'x'.repeat(5500) });
    expect(token.length).toBeLessThanOrEqual(8192);

    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('ignores issuer and audience when not configured', async () => {
    const token = await signHs256({ iss: 'https://anyone.example', aud: 'any-service' });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('ignores jku, x5u and kid headers', async () => {
    const header = { jku: 'http://127.0.0.1:1/jwks', x5u: 'http://127.0.0.1:1/cert.pem', kid: 'http://127.0.0.1:1/key' };
    const token = await signToken(new TextEncoder().encode(`${SECRET}-foreign`), 'HS256', {}, header);
    await expectRejected(verifier, `Bearer ${token}`, 'invalid_signature');
  });
});

describe('TokenVerifier issuer and audience', () => {
  const verifier = verifierWith({ secret: SECRET, issuer: 'https://issuer.example', audience: 'job-templates' });

  it('accepts matching issuer and audience', async () => {
    const token = await signHs256({ iss: 'https://issuer.example', aud: ['other', 'job-templates'] });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects wrong issuer', async () => {
    const token = await signHs256({ iss: 'https://evil.example', aud: 'job-templates' });
    const error = await expectRejected(verifier, `Bearer ${token}`, 'invalid_claims');
    expect(error.message).toContain('"iss"');
  });

  it('rejects missing issuer', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ aud: 'job-templates' })}`, 'invalid_claims');
  });

  it('rejects wrong audience', async () => {
    const token = await signHs256({ iss: 'https://issuer.example', aud: 'other-service' });
    const error = await expectRejected(verifier, `Bearer ${token}`, 'invalid_claims');
    expect(error.message).toContain('"aud"');
  });

  it('rejects missing audience', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ iss: 'https://issuer.example' })}`, 'invalid_claims');
  });
});

describe('TokenVerifier clock skew', () => {
  const verifier = verifierWith({ secret: SECRET, clockSkewSeconds: 60 });

  it('accepts exp within skew', async () => {
    const token = await signHs256({ exp: nowSeconds() - 30 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects exp beyond skew', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ exp: nowSeconds() - 120 })}`, 'expired');
  });

  it('accepts nbf within skew', async () => {
    const token = await signHs256({ nbf: nowSeconds() + 30 });
    await expect(verifier.verify(`Bearer ${token}`)).resolves.toMatchObject({ userId: 'user-1' });
  });

  it('rejects nbf beyond skew', async () => {
    await expectRejected(verifier, `Bearer ${await signHs256({ nbf: nowSeconds() + 120 })}`, 'not_yet_valid');
  });
});

describe('TokenVerifier with RSA public key', () => {
  const verifier = verifierWith({ publicKeyPem: rsaPem });

  it('returns principal for RS256', async () => {
    const exp = nowSeconds() + 600;
    const token = await signToken(rsa.privateKey, 'RS256', { sub: 'bob', exp, projects: ['gamma'] });

    const principal = await verifier.verify(`Bearer ${token}`);

    expect(principal.userId).toBe('bob');
    expect(principal.isAdmin).toBe(false);
    expect([...principal.projects]).toEqual(['gamma']);
    expect(principal.expiresAt).toBe(exp);
  });

  it('rejects HS256 signed with PEM', async () => {
    const token = await signToken(new TextEncoder().encode(rsaPem), 'HS256', { roles: ['admin'] });
    await expectRejected(verifier, `Bearer ${token}`, 'unsupported_algorithm');
  });

  it('rejects RS512 token', async () => {
    await expectRejected(verifier, `Bearer ${await signToken(rsa.privateKey, 'RS512')}`, 'unsupported_algorithm');
  });

  it('rejects PS256 token', async () => {
    await expectRejected(verifier, `Bearer ${await signToken(rsa.privateKey, 'PS256')}`, 'unsupported_algorithm');
  });

  it('rejects alg none', async () => {
    await expectRejected(verifier, `Bearer ${unsecuredToken('none')}`, 'unsupported_algorithm');
    await expectRejected(verifier, `Bearer ${unsecuredToken('None')}`, 'unsupported_algorithm');
  });

  it('rejects removed signature', async () => {
    const token = await signToken(rsa.privateKey, 'RS256');
    await expectRejected(verifier, `Bearer ${withoutSignature(token)}`, 'invalid_signature');
  });

  it('rejects foreign key with jku, x5u and kid', async () => {
    const foreignJwk = foreignRsa.publicKey.export({ format: 'jwk' });
    const header = {
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/cert.pem',
      kid: 'http://127.0.0.1:1/key',
      jwk: foreignJwk,
    };
    const token = await signToken(foreignRsa.privateKey, 'RS256', { roles: ['admin'] }, header);
    await expectRejected(verifier, `Bearer ${token}`, 'invalid_signature');
  });
});

describe('TokenVerifier with EC P-256 public key', () => {
  const verifier = verifierWith({ publicKeyPem: ecPem });

  it('returns principal for ES256', async () => {
    const exp = nowSeconds() + 600;
    const token = await signToken(ec.privateKey, 'ES256', { sub: 'carol', exp, roles: ['admin'] });

    const principal = await verifier.verify(`Bearer ${token}`);

    expect(principal.userId).toBe('carol');
    expect(principal.isAdmin).toBe(true);
    expect(principal.projects.size).toBe(0);
    expect(principal.expiresAt).toBe(exp);
  });

  it('rejects RS256 token', async () => {
    await expectRejected(verifier, `Bearer ${await signToken(rsa.privateKey, 'RS256')}`, 'unsupported_algorithm');
  });

  it('rejects HS256 signed with PEM', async () => {
    const token = await signToken(new TextEncoder().encode(ecPem), 'HS256');
    await expectRejected(verifier, `Bearer ${token}`, 'unsupported_algorithm');
  });

  it('rejects removed signature', async () => {
    const token = await signToken(ec.privateKey, 'ES256');
    await expectRejected(verifier, `Bearer ${withoutSignature(token)}`, 'invalid_signature');
  });

  it('rejects other EC key', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expectRejected(verifier, `Bearer ${await signToken(other.privateKey, 'ES256')}`, 'invalid_signature');
  });
});

describe('TokenVerifier with JWKS', () => {
  const requestedPaths: string[] = [];
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const jwks = {
      keys: [
        { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
        { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
      ],
    };
    server = createServer((request, response) => {
      requestedPaths.push(request.url ?? '');
      if (request.url === '/jwks') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(jwks));
        return;
      }
      response.writeHead(500);
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it('returns principal for RS256 key', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    const exp = nowSeconds() + 600;
    const token = await signToken(rsa.privateKey, 'RS256', { sub: 'dave', exp, roles: ['admin'], projects: ['p1'] }, { kid: 'rsa-1' });

    const principal = await verifier.verify(`Bearer ${token}`);

    expect(principal.userId).toBe('dave');
    expect(principal.isAdmin).toBe(true);
    expect([...principal.projects]).toEqual(['p1']);
    expect(principal.expiresAt).toBe(exp);
  });

  it('returns principal for ES256 key', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    const token = await signToken(ec.privateKey, 'ES256', { sub: 'erin' }, { kid: 'ec-1' });

    const principal = await verifier.verify(`Bearer ${token}`);

    expect(principal.userId).toBe('erin');
    expect(principal.isAdmin).toBe(false);
  });

  it('rejects unknown kid', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    const token = await signToken(rsa.privateKey, 'RS256', {}, { kid: 'rsa-unknown' });
    await expectRejected(verifier, `Bearer ${token}`, 'invalid_signature');
  });

  it('rejects HS256 token', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    await expectRejected(verifier, `Bearer ${await signHs256()}`, 'unsupported_algorithm');
  });

  it('rejects alg none', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    await expectRejected(verifier, `Bearer ${unsecuredToken('none')}`, 'unsupported_algorithm');
    await expectRejected(verifier, `Bearer ${unsecuredToken('None')}`, 'unsupported_algorithm');
  });

  it('rejects removed signature', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    const token = await signToken(rsa.privateKey, 'RS256', {}, { kid: 'rsa-1' });
    await expectRejected(verifier, `Bearer ${withoutSignature(token)}`, 'invalid_signature');
  });

  it('rejects foreign key with jku, x5u and kid', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/jwks` });
    const remoteHeaders = {
      jku: 'http://127.0.0.1:1/jwks',
      x5u: 'http://127.0.0.1:1/cert.pem',
      jwk: foreignRsa.publicKey.export({ format: 'jwk' }),
    };
    const urlKid = await signToken(foreignRsa.privateKey, 'RS256', {}, { ...remoteHeaders, kid: 'http://127.0.0.1:1/key' });
    const localKid = await signToken(foreignRsa.privateKey, 'RS256', {}, { ...remoteHeaders, kid: 'rsa-1' });
    const foreignBaseKid = await signToken(foreignRsa.privateKey, 'RS256', {}, { kid: `${baseUrl}/foreign` });

    await expectRejected(verifier, `Bearer ${urlKid}`, 'invalid_signature');
    await expectRejected(verifier, `Bearer ${localKid}`, 'invalid_signature');
    await expectRejected(verifier, `Bearer ${foreignBaseKid}`, 'invalid_signature');
    expect(requestedPaths.filter((path) => path !== '/jwks' && path !== '/broken')).toEqual([]);
  });

  it('reports server error as key_unavailable', async () => {
    const verifier = verifierWith({ jwksUrl: `${baseUrl}/broken` });
    const token = await signToken(rsa.privateKey, 'RS256', {}, { kid: 'rsa-1' });
    const error = await expectRejected(verifier, `Bearer ${token}`, 'key_unavailable');
    expect(error.message).toBe('The keys to verify the bearer token could not be fetched. Try again later.');
  });

  it('reports unreachable JWKS as key_unavailable', async () => {
    const verifier = verifierWith({ jwksUrl: 'http://127.0.0.1:1/jwks' });
    const token = await signToken(rsa.privateKey, 'RS256', {}, { kid: 'rsa-1' });
    await expectRejected(verifier, `Bearer ${token}`, 'key_unavailable');
  });
});
