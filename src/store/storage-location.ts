import { constants } from 'node:fs';
import { access, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { InvalidInputError } from '../domain/errors.js';
import { controlCharacterIn } from '../domain/control-characters.js';

/** Where an administrator may point a file_system Storage Service (from the configuration). */
export interface LocationRules {
  /** storage.allowedRoots: the location must resolve inside one of them. */
  allowedRoots: readonly string[];
  /** storage.location: the operator's own first choice, allowed outside the roots. */
  initialLocation: string;
}

/** Never a storage location, nor anything below them, whatever the roots say. */
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/sys', '/dev', '/boot', '/run', '/root'];
/** Never a storage location themselves (their subfolders may be, e.g. /var/lib/packstore). */
const SYSTEM_FOLDERS = ['/', '/var', '/var/lib', '/home', '/tmp', '/mnt', '/media', '/opt', '/srv'];

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

function refuse(location: string, reason: string): never {
  throw new InvalidInputError(`sharedFileStore.location ${JSON.stringify(location)} is refused: ${reason}.`);
}

/** Not there (or a file where a folder would be): the parent is looked at instead. */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** The real path of `folder`: symlinks of its deepest existing ancestor followed, the rest appended. */
async function resolveReal(folder: string): Promise<{ real: string; existing: string }> {
  let existing = folder;
  const rest: string[] = [];
  for (;;) {
    try {
      const real = await realpath(existing);
      return { real: path.join(real, ...rest), existing: real };
    } catch (error) {
      if (!isMissing(error) || existing === path.dirname(existing)) throw error;
      rest.unshift(path.basename(existing));
      existing = path.dirname(existing);
    }
  }
}

/** A root that cannot be examined counts as written (it then holds nothing that resolves into it). */
async function realRoot(root: string): Promise<string> {
  return (await resolveReal(path.resolve(root)).catch(() => ({ real: path.resolve(root) }))).real;
}

function systemReason(folder: string): string | undefined {
  const tree = SYSTEM_TREES.find((system) => inside(folder, system));
  if (tree) return `${folder} is inside the system folder ${tree}`;
  if (SYSTEM_FOLDERS.includes(folder)) return `${folder} is a system folder`;
  return undefined;
}

/**
 * Checks a file_system location before anything is created there: absolute, no control
 * characters, resolved (symlinks followed) inside an allowed root, not a system folder, and a
 * writable folder or one that can be created in a writable folder. Throws a 400 naming the rule.
 */
export async function checkFolderLocation(location: string, rules: LocationRules): Promise<void> {
  if (controlCharacterIn(location) !== undefined) refuse(location, 'it contains a NUL or control character');
  if (!path.isAbsolute(location)) refuse(location, 'it must be an absolute folder path');
  const folder = path.resolve(location);
  const { real, existing } = await resolveReal(folder).catch((error: unknown) =>
    refuse(location, `it cannot be examined (${(error as NodeJS.ErrnoException).code ?? 'unknown error'})`),
  );
  const system = systemReason(folder) ?? systemReason(real);
  if (system) refuse(location, system);
  if (folder !== path.resolve(rules.initialLocation)) {
    const roots = await Promise.all(rules.allowedRoots.map(realRoot));
    if (!roots.some((root) => inside(real, root)))
      refuse(location, `${real} is not inside an allowed root (storage.allowedRoots: ${rules.allowedRoots.join(', ')})`);
  }
  const found = await stat(existing);
  if (!found.isDirectory()) refuse(location, `${existing} is a file, not a folder, so it cannot be written`);
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    refuse(location, `${existing} cannot be written by the server`);
  }
}
