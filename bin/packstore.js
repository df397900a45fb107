#!/usr/bin/env node
// The compiled CLI (`npm run build`, which `npm ci` and `npm pack` run): no TypeScript at run time.
// From a checkout, `npm run dev` or `node --import tsx src/cli/main.ts` run the sources instead.
await import('../dist/cli/main.js');
