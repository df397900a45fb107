import type { DiffChange } from '../../api/types.js';
import { rightsWords, words } from '../../format.js';

/** One change as people read it: what changed, and each side in words (null: that side does not have it). */
export interface ShownChange {
  field: string;
  label: string;
  before: string | null;
  after: string | null;
}

export interface ChangeGroup {
  title: string;
  changes: ShownChange[];
}

interface AceView {
  trustee: string;
  deny: boolean;
  rights: number;
  inheritable?: boolean;
}

const isAce = (value: unknown): value is AceView => typeof value === 'object' && value !== null && 'rights' in value && 'trustee' in value;

/** A JSON value in words: strings as they are, the rest as JSON; null stays null (the side lacks it). */
function valueWords(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value === '') return '(empty)';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  return JSON.stringify(value);
}

const aceWords = (value: unknown): string | null =>
  isAce(value) ? `${rightsWords(value.rights)}${value.inheritable ? ' (inherited by children)' : ''}` : valueWords(value);

/** `acl[grant:<id>]`: "<trustee>: grant" (the trustee's name, from whichever side has it). */
function aclChange(change: DiffChange): ShownChange {
  const entry = [change.before, change.after].find(isAce);
  const deny = change.field.startsWith('acl[deny:');
  const trustee = entry?.trustee ?? change.field.slice(change.field.indexOf(':') + 1, -1);
  return { field: change.field, label: `${trustee}: ${deny ? 'deny' : 'grant'}`, before: aceWords(change.before), after: aceWords(change.after) };
}

function dependencyChange(change: DiffChange): ShownChange {
  const added = change.before === null;
  return { field: change.field, label: added ? 'Added' : 'Removed', before: valueWords(change.before), after: valueWords(change.after) };
}

/** `definition.options.level` → "options.level"; the whole definition (an object created or deleted) → "(all of it)". */
function definitionChange(change: DiffChange): ShownChange {
  const path = change.field.replace(/^definition\.?/, '');
  return { field: change.field, label: path || '(all of it)', before: valueWords(change.before), after: valueWords(change.after) };
}

const GROUPS: ReadonlyArray<{ title: string; test: (field: string) => boolean; show: (change: DiffChange) => ShownChange }> = [
  { title: 'Definition', test: (f) => f === 'definition' || f.startsWith('definition.') || f.startsWith('definition['), show: definitionChange },
  { title: 'Access control (ACL)', test: (f) => f.startsWith('acl['), show: aclChange },
  { title: 'Dependencies', test: (f) => f.startsWith('dependencies['), show: dependencyChange },
];

const property = (change: DiffChange): ShownChange => ({
  field: change.field,
  label: words(change.field),
  before: valueWords(change.before),
  after: valueWords(change.after),
});

const PROPERTIES = 'Properties';

/** An object's changes, grouped for reading: its properties, then its definition by path, its ACL and its dependencies. */
export function groupChanges(changes: readonly DiffChange[]): ChangeGroup[] {
  const byTitle = new Map<string, ShownChange[]>([[PROPERTIES, []], ...GROUPS.map((g): [string, ShownChange[]] => [g.title, []])]);
  for (const change of changes) {
    const kind = GROUPS.find((g) => g.test(change.field));
    byTitle.get(kind?.title ?? PROPERTIES)?.push((kind?.show ?? property)(change));
  }
  return [...byTitle].filter(([, shown]) => shown.length > 0).map(([title, shown]) => ({ title, changes: shown }));
}
