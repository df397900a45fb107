/**
 * Wire enums in words, for people: the console and the CLI show these, and scripts read the raw values
 * (the CLI's --json). Kept here because both import this folder.
 */
const WORDS: Record<string, string> = {
  project: 'Project',
  project_security: 'Project security',
  configuration: 'Configuration',
  object_migration: 'Object migration',
  project_merge: 'Project merge',
  migration_from_shared_file_store: 'Uploaded package',
  use_existing: 'Use existing',
  keep_both: 'Keep both',
  force_replace: 'Force replace',
  undo_success: 'Undone',
  undo_failed: 'Undo failed',
  import_failed: 'Import failed',
  create_failed: 'Creation failed',
  validation_failed: 'Validation failed',
  'signed-trusted': 'Signed, trusted',
  'signed-unknown': 'Signed by an unknown key',
  unsigned: 'Unsigned',
  tampered: 'Tampered',
  copy: 'Copy (keep both)',
  skip: 'Nothing to do',
  dateCreated: 'Date created',
  dateModified: 'Date modified',
};

/** A wire enum in words: "import_failed" → "Import failed". */
export function words(value: string | undefined): string {
  if (!value) return '—';
  const known = WORDS[value];
  if (known) return known;
  const spaced = value.replace(/_/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** A package's signature for people: its state, and who signed it when it is signed. */
export function signatureWords(signature: { state: string; environmentId?: string; keyId?: string } | undefined): string {
  if (!signature) return '—';
  const state = words(signature.state);
  return signature.keyId ? `${state} (${signature.environmentId ?? '?'}, key ${signature.keyId})` : state;
}

/** Object rights bits in words (object-model §2.1), so an ACL change reads "Browse, Read" rather than 5. */
const RIGHT_WORDS: ReadonlyArray<[number, string]> = Object.entries({
  1: 'Browse',
  2: 'Use and execute',
  4: 'Read',
  8: 'Write',
  16: 'Delete',
  32: 'Control',
  64: 'Use',
  128: 'Execute',
}).map(([bit, name]) => [Number(bit), name]);

/** 255 → "Full control"; 0 → "None"; else the rights named one by one. */
export function rightsWords(rights: number): string {
  if ((rights & 255) === 255) return 'Full control';
  const named = RIGHT_WORDS.filter(([bit]) => (rights & bit) !== 0).map(([, name]) => name);
  return named.length > 0 ? named.join(', ') : 'None';
}
