/** The wire shapes the console reads (library-api-contract §2 and §3). */
export interface Named {
  id: string;
  name: string;
}

export interface SharedFile {
  id: string;
  name: string;
  path: string;
  sha256: string;
  existing: boolean;
  size: number;
  creator: Named;
  environment: Named;
  creationDate: string;
  lastUpdatedDate: string;
  extraInfo: { packageId: string; packageType: string; packagePurpose: string };
}

export interface Page<T> {
  total: number;
  data: T[];
}

export interface TocRow {
  id: string;
  name?: string;
  type: number;
  subtype?: number;
  action?: string;
  explicitIncluded?: boolean;
  includeDependents?: boolean;
  level?: number;
}

/** What an import or validation did (or would do) to one object: GET /api/migrations/{id}/report. */
export interface ObjectOutcome {
  id: string;
  type: number;
  name: string;
  conflict: string;
  action: string;
  targetId?: string;
}

export interface PackageInfo {
  id: string;
  name: string;
  type: string;
  purpose?: string;
  status?: string;
  message?: string;
  progress?: number;
  replicated?: boolean;
  creator?: Partial<Named>;
  creationDate?: string | null;
  lastUpdatedDate?: string | null;
  environment?: Named;
  project?: Named;
  storage?: { size?: number; path?: string };
  tocView?: { settings?: Record<string, unknown>; content?: TocRow[] };
}

export interface ImportInfo {
  id: string;
  status?: string;
  importRequestStatus?: string;
  undoRequestStatus?: string;
  progress?: number;
  message?: string;
  creator?: Partial<Named>;
  creationDate?: string | null;
  lastUpdatedDate?: string | null;
  environment?: Named;
  project?: Named;
  undoStorage?: { size?: number; path?: string };
}

export interface Validation {
  status?: string;
  progress?: number;
  message?: string;
  creationDate?: string | null;
  lastUpdatedDate?: string | null;
}

export interface Migration {
  id: string;
  packageInfo: PackageInfo;
  importInfo?: ImportInfo;
  validation?: Validation;
}

export interface Project {
  id: string;
  name: string;
  status?: number;
}

export interface UserInfo {
  id: string;
  name: string;
  fullName: string;
  privileges: string[];
}
