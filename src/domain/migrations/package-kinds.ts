import { PackageFormatError } from '../mmp/errors.js';
import type { PackageType } from '../mmp/types.js';
import { CONFIGURATION_TYPES, OBJECT_TYPE } from '../objects.js';

/**
 * Why an object of this type may not travel in a package of this type, or undefined when it may
 * (object model §1.3). A project package carries only project objects and a configuration package
 * only configuration objects; a project_security package carries users and groups, which live at the
 * configuration level, so it follows the configuration rule (it is read from and imported into the
 * configuration, as before). Folders exist at both levels, and no package carries a project (type 32):
 * importing one would put a project inside a project, or in the configuration.
 */
function misplacedReason(packageType: PackageType, type: number): string | undefined {
  if (type === OBJECT_TYPE.PROJECT) return 'a project (type 32) is not an object a package may carry';
  if (type === OBJECT_TYPE.FOLDER) return undefined;
  const configuration = CONFIGURATION_TYPES.has(type);
  if (packageType === 'project')
    return configuration ? `type ${type} is a configuration object, and a project package carries only project objects` : undefined;
  return configuration ? undefined : `type ${type} is a project object, and a ${packageType} package carries only configuration objects`;
}

/** What is wrong with this object in a package of this type, naming it; undefined when it belongs there. */
export function misplacedObject(packageType: PackageType, object: { id: string; type: number }): string | undefined {
  const reason = misplacedReason(packageType, object.type);
  return reason && `Object ${object.id} (type ${object.type}) does not belong in a ${packageType} package: ${reason}.`;
}

/** Refuses the first object that does not belong in a package of this type. */
export function assertPackageKind(packageType: PackageType, objects: Iterable<{ id: string; type: number }>): void {
  for (const object of objects) {
    const problem = misplacedObject(packageType, object);
    if (problem) throw new PackageFormatError(problem);
  }
}
