import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateOpenApiDocument } from '../../scripts/openapi-document.js';

describe('docs/openapi.json', () => {
  it('matches the document generated from the routes', async () => {
    const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    const generated = await generateOpenApiDocument();
    // On failure, run `npm run openapi` and commit docs/openapi.json.
    expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
  });
});
