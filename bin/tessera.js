#!/usr/bin/env node
// The `tessera` command: the compiled CLI in dist/ (npm run build, which npm install and npm start run), or,
// in a checkout that was never built, the TypeScript source through tsx.
import fs from 'node:fs';

const compiled = new URL('../dist/cli/index.js', import.meta.url);
if (fs.existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/index.ts');
}
