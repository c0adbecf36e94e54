/** Writes docs/openapi.json from the route schemas: `npm run openapi`. */
import { writeFileSync } from 'node:fs';
import { generateOpenApiDocument } from './openapi-document.js';

const path = new URL('../docs/openapi.json', import.meta.url);
writeFileSync(path, await generateOpenApiDocument());
process.stdout.write(`Wrote ${path.pathname}\n`);
