import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withConfigTable } from '../src/config/readme-table.js';

describe('README configuration table', () => {
  it('is the one src/config/keys.ts gives (run `npm run docs:config` after changing a key)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    assert.equal(readme, withConfigTable(readme));
  });
});
