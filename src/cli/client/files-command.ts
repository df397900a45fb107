import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ClientError } from './http.js';
import { digestFile } from './hashing.js';
import { ByteProgress, formatBytes } from './progress.js';
import { downloadTo } from './download.js';
import { createFile, deleteFile, discardFile, FILES, findFile, listFiles, sourceOf, type SharedFile } from './shared-files.js';
import { uploadResumable } from './resumable-upload.js';
import { emit, oneOf, openSession, showsProgress, table, usage, withClientOptions, type ClientOptions } from './command-kit.js';
import { signatureWords, words } from '../../api/contract/labels.js';
import type { Session } from './session.js';
import { MIGRATION_PURPOSES as PACKAGE_PURPOSES, PACKAGE_TYPES } from '../../api/contract/purposes.js';

interface UploadOptions extends ClientOptions {
  name?: string;
  type?: string;
  purpose?: string;
}

/** A download's file name: the server's name made safe for a file system. */
export function localName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not allowed in file names, so they are replaced
  return `${name.replace(/[\\/:*?"<>|\x00-\x1f]/g, '_').trim() || 'package'}.mmp`;
}

/** `-o` may name a file or an existing folder. */
export async function outputPath(output: string | undefined, name: string): Promise<string> {
  if (!output) return path.resolve(localName(name));
  try {
    if ((await stat(output)).isDirectory()) return path.resolve(output, localName(name));
  } catch {
    // Not there yet: it names the file to write.
  }
  return path.resolve(output);
}

/** Hashes the local file (first pass), creates the metadata, then sends it with tus (second pass, resumable). */
async function uploadLocal(session: Session, file: string, options: UploadOptions, progress: boolean): Promise<SharedFile> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new ClientError(`${file} is not a readable file`);
  const hashing = new ByteProgress('hashing', info.size, progress);
  const digest = await digestFile(file, hashing.meter()).finally(() => hashing.end());
  const created = await createFile(session, {
    name: options.name ?? path.basename(file).replace(/\.mmp$/i, ''),
    size: digest.size,
    sha256: digest.sha256,
    packageType: options.type,
    packagePurpose: options.purpose,
  });
  if (created.warning && !options.json) process.stderr.write(`note: ${created.warning.message}\n`);
  const bar = new ByteProgress('upload', digest.size, progress);
  let shown = 0;
  try {
    await uploadResumable(session, created.id, file, digest.size, (sent) => {
      // After a cut the client may report fewer bytes (what the server kept): show only progress.
      if (sent > shown) bar.add(sent - shown);
      shown = Math.max(shown, sent);
    });
    const stored = await findFile(session, created.id);
    if (!stored.existing || stored.size !== digest.size || stored.sha256 !== digest.sha256) {
      throw new ClientError(
        `the server stored ${stored.size} bytes with sha256 ${stored.sha256}, but ${digest.size} bytes with sha256 ${digest.sha256} were sent`,
      );
    }
    return stored;
  } catch (error) {
    await discardFile(session, created.id);
    throw error;
  } finally {
    bar.end();
  }
}

export function registerFiles(program: Command): void {
  const files = program.command('files').description('the shared file store: migration package files');

  withClientOptions(files.command('ls').description('list the package files')).action(async (options: ClientOptions) => {
    const session = await openSession(options);
    const list = await listFiles(session);
    emit(
      options,
      list,
      table(
        ['ID', 'NAME', 'TYPE', 'SIZE', 'STATE', 'SOURCE', 'PACKAGE', 'SIGNATURE'],
        list.map((f) => [
          f.id,
          f.name,
          words(f.extraInfo?.packageType),
          formatBytes(f.size),
          f.existing ? 'Uploaded' : 'Upload not finished',
          sourceOf(f),
          f.extraInfo?.packageId,
          signatureWords(f.signature),
        ]),
        `No package files on ${session.url}.`,
      ),
    );
  });

  withClientOptions(
    files
      .command('upload <file>')
      .description('upload a .mmp package file (hashed first, then sent with tus: a cut connection resumes)')
      .option('--name <name>', 'the package name (default: the file name)')
      .option('--type <type>', `check the package type: ${PACKAGE_TYPES.join(', ')} (the package's header says; a contradiction is refused)`)
      .option('--purpose <purpose>', `package purpose: ${PACKAGE_PURPOSES.join(', ')}`),
  ).action(async (file: string, options: UploadOptions, command: Command) => {
    if (options.type !== undefined) oneOf(command, '--type', options.type, PACKAGE_TYPES);
    if (options.purpose !== undefined) oneOf(command, '--purpose', options.purpose, PACKAGE_PURPOSES);
    const stored = await uploadLocal(await openSession(options), file, options, showsProgress(options));
    const from = stored.source ? ` from ${sourceOf(stored)}` : '';
    emit(
      options,
      stored,
      `uploaded ${file} as ${stored.id} (${formatBytes(stored.size)}, ${words(stored.extraInfo?.packageType).toLowerCase()} package${from})`,
    );
  });

  withClientOptions(
    files
      .command('download <fileId>')
      .description('download a package file; checks size and sha256, resumes a broken download')
      .option('-o, --output <path>', 'the file or folder to write to (default: <name>.mmp here)'),
  ).action(async (fileId: string, options: ClientOptions & { output?: string }) => {
    const session = await openSession(options);
    const file = await findFile(session, fileId);
    if (!file.existing) throw new ClientError(`the shared file ${fileId} has no binary yet`);
    const target = await outputPath(options.output, file.name);
    const got = await downloadTo(session, `${FILES}/${fileId}/binary`, target, { size: file.size, sha256: file.sha256 }, showsProgress(options));
    emit(options, { id: fileId, path: target, ...got }, `saved ${target} (${formatBytes(got.size)}, sha256 ${got.sha256})`);
  });

  withClientOptions(files.command('rm <fileId>').description('delete a package file and its binary')).action(
    async (fileId: string, options: ClientOptions, command: Command) => {
      if (!fileId.trim()) usage(command, '<fileId> must not be empty');
      await deleteFile(await openSession(options), fileId);
      emit(options, { id: fileId, deleted: true }, `deleted ${fileId}`);
    },
  );
}
