// Rewrites the README's configuration table from src/config/keys.ts (test/config-docs.test.ts fails when they differ).
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../src/config/readme-table.js';

const README = new URL('../README.md', import.meta.url);
writeFileSync(README, withConfigTable(readFileSync(README, 'utf8')));
