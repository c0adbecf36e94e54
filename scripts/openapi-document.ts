import { buildApp } from '../src/app.js';
import { createTokenVerifier } from '../src/auth/token-verifier.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';

/** Generates the OpenAPI document from the route schemas, as `GET /openapi.json` serves it, formatted for committing. */
export async function generateOpenApiDocument(): Promise<string> {
  const { store } = await openSqliteStore({ path: ':memory:', busyTimeoutMs: 0, synchronous: 'normal' });
  const app = await buildApp({ store, verifier: createTokenVerifier({ secret: 'unused', clockSkewSeconds: 0 }) });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await store.close();
  }
}
