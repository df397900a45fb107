import { setFlagsFromString } from 'node:v8';

/**
 * V8's heap growing factor, as a percentage over the live set: the next full collection comes when the heap has
 * grown this much past what survived the last one. V8 picks it itself, from 1.1 (reducing memory) up to 4 when the
 * program allocates fast, as an import of a million objects does: 170 MB of heap for 55–125 MB in use. Fixed lower,
 * collections cost more: at 30 % a diff, whose pages outlive the young generation, spent half as much CPU again;
 * 60 % is the measured middle (docs/import-at-scale.md, "The collector's slack and glibc's thresholds").
 */
const HEAP_GROWING_PERCENT = 60;

/**
 * The glibc setting `npm start` and the systemd unit run the server with. glibc serves allocations above its mmap
 * threshold from mmap and returns them on free, but raises that threshold to the size of each such block freed (up
 * to 32 MB): after a login's scrypt (16 MB) or a freed id table, every buffer below it comes from arenas that keep
 * their memory. A threshold set explicitly stays where it is.
 */
export const GLIBC_MALLOC_TUNABLE = 'glibc.malloc.mmap_threshold=131072';

/** Fixes V8's heap growing factor for this process (it replaces V8's own choice each time a collection's limit is set). */
export function fixHeapGrowingFactor(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}

/**
 * Whether this process runs on glibc (not musl, not another OS), where the malloc tunable means something. Without
 * its network part: a report resolves the name of every open socket, synchronously.
 */
export function runsOnGlibc(): boolean {
  // excludeNetwork: Node 20.13 and 22, not yet in the types this project builds with.
  const reports = process.report as (NodeJS.ProcessReport & { excludeNetwork?: boolean }) | undefined;
  if (!reports) return false;
  const excluded = reports.excludeNetwork;
  reports.excludeNetwork = true;
  try {
    const report = reports.getReport() as { header?: { glibcVersionRuntime?: string } };
    return typeof report.header?.glibcVersionRuntime === 'string';
  } finally {
    reports.excludeNetwork = excluded;
  }
}

function setsMmapThreshold(env: NodeJS.ProcessEnv): boolean {
  return env.MALLOC_MMAP_THRESHOLD_ !== undefined || (env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.mmap_threshold=');
}

/** `env` with the malloc tunable added to its GLIBC_TUNABLES (kept as they are when they set the threshold already). */
export function withMallocTunable(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (setsMmapThreshold(env)) return env;
  return { ...env, GLIBC_TUNABLES: env.GLIBC_TUNABLES ? `${env.GLIBC_TUNABLES}:${GLIBC_MALLOC_TUNABLE}` : GLIBC_MALLOC_TUNABLE };
}

/** A line for the operator when the server runs on glibc without an mmap threshold of its own; otherwise undefined. */
export function mallocAdvice(env: NodeJS.ProcessEnv, glibc: boolean): string | undefined {
  if (!glibc || setsMmapThreshold(env)) return undefined;
  return `glibc's mmap threshold is not set: freed memory stays with the process after large imports. Start the server with GLIBC_TUNABLES=${GLIBC_MALLOC_TUNABLE} (npm start and docs/deploy/packstore.service do).`;
}
