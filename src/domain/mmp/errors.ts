import { InvalidInputError } from '../errors.js';

/** A package that is malformed, truncated, tampered with or over a limit. The message names the entry and the problem. */
export class PackageFormatError extends InvalidInputError {}

/** Entry names come from the package itself: quote them, and cut a hostile one short. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}
