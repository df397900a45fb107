import { CONFIG_KEYS, envVarName } from './keys.js';

/** The README's configuration table lives between these markers; `npm run docs:config` rewrites it. */
export const TABLE_START = '<!-- config-keys:start (generated from src/config/keys.ts by `npm run docs:config`) -->';
export const TABLE_END = '<!-- config-keys:end -->';

export function configTable(): string {
  const rows = Object.values(CONFIG_KEYS).map((spec) => `| \`${spec.key}\` | \`${envVarName(spec.key)}\` | ${spec.doc} |`);
  return ['| key | environment variable | default |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with its table replaced by the one the keys give; throws when the markers are missing. */
export function withConfigTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md has no configuration table markers (${TABLE_START} … ${TABLE_END}).`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${configTable()}\n${readme.slice(end)}`;
}
