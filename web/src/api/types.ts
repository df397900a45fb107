/**
 * The wire shapes the console reads: the server's declared contract (src/api/contract/), imported as
 * types only, so nothing of the server reaches the bundle.
 */
import type { Page } from '../../../src/api/contract/common.js';
export type { Named, Page } from '../../../src/api/contract/common.js';
/** A read with the offset it was made at: a pager names the rows on screen, not the page asked for while it loads. */
export type ReadAt<T> = T & { offset: number };
export type PageAt<T> = ReadAt<Page<T>>;
export type { SharedFile } from '../../../src/api/contract/files.js';
export type { ImportInfo, Migration, ObjectOutcome, PackageInfo, Report, ReportSummary, TocRow, Validation } from '../../../src/api/contract/migrations.js';
export type { EnvironmentBadge } from '../../../src/api/contract/environment-badge.js';
export type { MetadataObject, Project, StoredSearch } from '../../../src/api/contract/objects.js';
export type { UserInfo } from '../../../src/api/contract/sessions.js';
export type { Diff, DiffChange, DiffObject } from '../../../src/api/contract/diffs.js';
