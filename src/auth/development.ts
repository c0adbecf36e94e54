import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT } from 'jose';

const SECRET_FILE_NAME = 'dev-jwt-secret';
const SECRET_BYTES = 32;
const DEFAULT_VALID_FOR_SECONDS = 30 * 24 * 60 * 60;

/**
 * Loads the development HS256 secret from `<dataDir>/dev-jwt-secret`, creating
 * it when missing: 32 random bytes encoded as base64url, file mode 0600, with
 * `dataDir` created recursively. Surrounding whitespace in the file is ignored.
 * An existing file is used as it is, and its mode is not checked.
 * Returns the secret string.
 * @throws Error when the file exists but is empty, or on file system errors.
 */
export async function loadOrCreateDevelopmentSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, SECRET_FILE_NAME);
  await mkdir(dataDir, { recursive: true });

  const existing = await readSecretFile(path);
  if (existing !== undefined) {
    return existing;
  }

  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  // Writing a temporary file and hard-linking it makes the secret file appear
  // with its full content, and link() fails with EEXIST when another process
  // created the file in the meantime. That process's secret is then kept.
  // NOTE: file systems without hard links (FAT, some network shares) make link() fail.
  const temporaryPath = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporaryPath, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporaryPath, path);
  } catch (error) {
    if (isErrnoException(error) && error.code === 'EEXIST') {
      const created = await readSecretFile(path);
      if (created !== undefined) {
        return created;
      }
    }
    throw error;
  } finally {
    await rm(temporaryPath, { force: true });
  }
  return secret;
}

/**
 * Signs an HS256 development admin token with the claims sub "dev-admin",
 * roles ["admin"], projects [], iat now and exp now + `validForSeconds`.
 * @param validForSeconds - Token lifetime in seconds, 30 days by default.
 * @throws RangeError when `validForSeconds` is not a positive integer.
 */
export async function signDevelopmentToken(
  secret: string,
  validForSeconds: number = DEFAULT_VALID_FOR_SECONDS,
): Promise<string> {
  if (!Number.isInteger(validForSeconds) || validForSeconds <= 0) {
    throw new RangeError(`validForSeconds must be a positive whole number of seconds, got ${validForSeconds}.`);
  }

  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ roles: ['admin'], projects: [] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('dev-admin')
    .setIssuedAt(now)
    .setExpirationTime(now + validForSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** Reads the secret file. Returns undefined when the file does not exist. */
async function readSecretFile(path: string): Promise<string | undefined> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrnoException(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }

  const secret = content.trim();
  if (secret === '') {
    throw new Error(`The development secret file ${path} is empty. Delete it to create a new secret.`);
  }
  return secret;
}

function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
