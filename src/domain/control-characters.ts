/**
 * C0 control characters and DEL. PostgreSQL refuses NUL in text outright (a query error, not a 400), and
 * the other controls have no place in identifiers, names or query values; tab, line feed and carriage
 * return are the layout characters of free text (descriptions).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's purpose
const CONTROL = /[\u0000-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's purpose
const CONTROL_BUT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's purpose
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;

/** The first control character in `text`, or undefined; `allowLayout` lets tab, line feed and carriage return through. */
export function controlCharacterIn(text: string, allowLayout = false): string | undefined {
  return (allowLayout ? CONTROL_BUT_LAYOUT : CONTROL).exec(text)?.[0];
}

/** `U+0000`: how a message names a character that cannot be shown. */
export function codePointName(character: string): string {
  return `U+${character.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The text with each control character written as `\u0000`, for records (the audit log) that must keep a refused value. */
export function escapeControlCharacters(text: string): string {
  return text.replace(CONTROL_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
