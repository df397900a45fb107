import type { Command } from 'commander';
import { ClientError, expectOk } from './http.js';
import { chain, digestOf, HashingStream, type Digest } from './hashing.js';
import { ByteProgress, formatBytes } from './progress.js';
import { createFile, discardFile, uploadBinary, type SharedFile } from './shared-files.js';
import { findPackage, follow, MIGRATIONS, resolveProject, describeState, type MigrationRecord } from './migrations.js';
import { packageIdOf, startImport } from './migrations-command.js';
import { actionCounts, countsLine } from './report.js';
import { reportRecord, showsProgress } from './command-kit.js';
import { Session } from './session.js';
import { isMigrationPurpose } from '../../api/contract/purposes.js';

interface TransferOptions {
  from: string;
  to: string;
  project: string;
  json?: boolean;
}

function say(options: TransferOptions, text: string): void {
  if (!options.json) process.stderr.write(`${text}\n`);
}

/** The package's SHA-256: from the source's record when it has one, otherwise from a first pass over its bytes. */
async function sha256Of(source: Session, pkg: MigrationRecord, binary: string, size: number, options: TransferOptions): Promise<Digest> {
  const name = `${pkg.packageInfo.name ?? pkg.packageInfo.id} (${formatBytes(size)})`;
  const known = pkg.packageInfo.storage?.sha256;
  if (known) {
    say(options, `1/4 ${name} on ${source.url}: sha256 ${known}, from its record`);
    return { size, sha256: known };
  }
  say(options, `1/4 hashing ${name} from ${source.url}`);
  const hashing = new ByteProgress('hash', size, showsProgress(options));
  const first = await digestOf(await expectOk(await source.send('GET', binary)), hashing.meter()).finally(() => hashing.end());
  if (first.size !== size) throw new ClientError(`the source sent ${first.size} bytes with sha256 ${first.sha256}; its record says ${size} bytes`);
  return first;
}

/**
 * The seed in one command. The target wants the SHA-256 in the file metadata before the binary, and
 * the CLI keeps no copy: the source's record gives it (Packstore's records carry it); only a source
 * that does not say it is streamed twice, once through a hash first. The package then streams from
 * the source straight into the target's upload, hashed on the way and checked against the SHA-256
 * the metadata declared and the server's answer.
 */
async function transfer(source: Session, target: Session, packageId: string, options: TransferOptions): Promise<{ file: SharedFile; record: MigrationRecord }> {
  const progress = showsProgress(options);
  const project = await resolveProject(target, options.project);
  const pkg = await findPackage(source, packageId);
  const size = pkg.packageInfo.storage?.size;
  if (size === undefined) throw new ClientError(`package ${packageId} on ${source.url} has no binary: it is ${pkg.packageInfo.status ?? 'unknown'}`);
  const binary = `${MIGRATIONS}/packages/${packageId}/binary`;

  const first = await sha256Of(source, pkg, binary, size, options);

  say(options, `2/4 creating the file on ${target.url}`);
  const purpose = isMigrationPurpose(pkg.packageInfo.purpose) ? pkg.packageInfo.purpose : 'object_migration';
  // The target reads the source environment and the package id from the package's own header.
  const file = await createFile(target, {
    name: pkg.packageInfo.name ?? packageId,
    size,
    sha256: first.sha256,
    packageType: pkg.packageInfo.type ?? 'project',
    packagePurpose: purpose,
  });
  if (file.warning) say(options, `note: ${file.warning.message}`);

  say(options, `3/4 streaming ${source.url} → ${target.url}`);
  const bar = new ByteProgress('transfer', size, progress);
  let stored: SharedFile;
  try {
    const download = await expectOk(await source.send('GET', binary));
    const hash = new HashingStream();
    stored = await uploadBinary(target, file.id, chain(download, hash, bar.meter()), size, () => hash.digest());
  } catch (error) {
    await discardFile(target, file.id);
    throw error;
  } finally {
    bar.end();
  }
  if (stored.sha256 !== first.sha256) {
    await discardFile(target, file.id);
    throw new ClientError(`package ${packageId} as read now differs from its sha256 ${first.sha256} (the target stored ${stored.sha256}); nothing was kept`);
  }

  say(options, `4/4 importing into ${project.name} on ${target.url}`);
  const id = await startImport(target, stored.id, project);
  const record = await follow(target, id, progress);
  return { file: stored, record };
}

export function registerTransfer(program: Command): void {
  program
    .command('transfer <packageId>')
    .description('download a package from one environment, upload it to another and import it there')
    .requiredOption('--from <profile>', 'the source environment (a saved login)')
    .requiredOption('--to <profile>', 'the target environment (a saved login)')
    .requiredOption('--project <nameOrId>', 'the target project')
    .option('--json', 'print a machine-readable result on stdout (no progress output)')
    .action(async (given: string, options: TransferOptions, command: Command) => {
      const packageId = packageIdOf(command, given);
      const [source, target] = [await Session.open(options.from), await Session.open(options.to)];
      const { file, record } = await transfer(source, target, packageId, options);
      const counts = await actionCounts(target, record.id);
      reportRecord(options, record, `${record.id}: ${describeState(record)} (file ${file.id})\n${countsLine(counts)}`, {
        file,
        migration: record,
        actions: counts,
      });
    });
}
