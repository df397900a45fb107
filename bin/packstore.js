#!/usr/bin/env node
// The compiled CLI (`npm run build`, which `npm ci` and `npm pack` run): no TypeScript at run time.
// From a checkout, `npm run dev` or `node --import tsx src/cli/main.ts` run the sources instead.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('packstore: no compiled build in dist/; run `npm run build` first (or `npm run dev` to run the sources).\n');
  process.exit(1);
}
await import(main.href);
