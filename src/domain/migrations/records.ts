import type { TocRow, PackageSettings } from '../mmp/types.js';
import type { PackageSource } from '../package-source.js';
import type { SignatureRecord } from '../signature-states.js';
import type { ImportStatus, PackageStatus, RequestStatus } from './states.js';
import { newGuid } from '../ids.js';

export interface NamedRef {
  id: string;
  name: string;
}

/** What a client asked to put in a package (the tocView of POST /api/migrations). */
export interface PackageRequest {
  settings: PackageSettings;
  content: Array<{ id: string; type: number; action?: string; includeDependents?: boolean; name?: string }>;
  treeView?: unknown;
}

export interface Certification {
  status: 'uncertified' | 'requested' | 'certified' | 'rejected';
  operator: { id: string; name: string; fullName?: string };
  lastUpdatedDate: string | null;
}

export interface PackageRecord {
  id: string;
  name: string;
  type: string;
  purpose: string;
  status: PackageStatus;
  progress: number;
  message: string;
  replicated: boolean;
  creator: NamedRef;
  environment: NamedRef;
  project?: NamedRef;
  storage?: { path: string; size: number; sha256: string };
  request: PackageRequest;
  /** Only on records read for their content (MigrationRepository.withToc): a row per object. */
  toc?: TocRow[];
  certification?: Certification;
  fileGuid?: string;
  /** Lineage of an uploaded package: its header's source environment, package id and creator. */
  source?: PackageSource;
  formatVersion?: number;
  /** Who signed the package, as this environment last verified it (on upload or import). */
  signature?: SignatureRecord;
  createdAt: number;
  updatedAt: number;
}

export interface ObjectOutcome {
  id: string;
  type: number;
  name: string;
  /** What the target had: new, exists_identically, exists_differently, identical_except_path, missing_dependency. */
  conflict: string;
  /** What the import did or would do. */
  action: string;
  /** The id the object got in the target (differs only for keep_both copies). */
  targetId?: string;
  message?: string;
}

export interface ImportRecord {
  id: string;
  packageId: string;
  status: ImportStatus;
  importRequestStatus: RequestStatus;
  undoRequestStatus: RequestStatus;
  progress: number;
  message: string;
  creator?: NamedRef;
  environment: NamedRef;
  project?: NamedRef;
  generateUndo: boolean;
  /** sha256: recorded since undo packages are checked before an undo commits (absent on older imports). */
  undoStorage?: { path: string; size: number; sha256?: string };
  validation?: ValidationState;
  createdAt: number;
  updatedAt: number;
}

export interface ValidationState {
  status: 'validating' | 'validated' | 'validation_failed';
  progress: number;
  message: string;
  createdAt: number;
  updatedAt: number;
}

export interface MigrationRecord {
  package: PackageRecord;
  import: ImportRecord;
}

/** An import made from an uploaded file, as the file list shows it ("imported into …"). */
export interface ImportOfFile {
  packageId: string;
  importId: string;
  status: ImportStatus;
  project?: NamedRef;
  createdAt: number;
}

/** A new import of a package in `environment`, not started yet; `fields` override the defaults. */
export function newImportRecord(packageId: string, environment: NamedRef, now: number, fields: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: newGuid(),
    packageId,
    status: 'pending',
    importRequestStatus: 'pending',
    undoRequestStatus: 'pending',
    progress: 0,
    message: '',
    environment,
    generateUndo: true,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
}
