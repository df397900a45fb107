import path from 'node:path';
import { InvalidInputError } from '../domain/errors.js';
import { blobStoreFor, type SharedFileStoreSettings } from './storage-settings.js';

const S3_REQUIRED = ['s3Region', 'awsAccessId', 'awsSecretKey'] as const;

function errorText(error: unknown): string {
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/** Problems that make settings unfit to save, whatever the store: a 400 naming the field. */
export function checkStorageShape(settings: SharedFileStoreSettings): void {
  if (settings.type === 'file_system' && settings.location && !path.isAbsolute(settings.location)) {
    throw new InvalidInputError(`sharedFileStore.location must be an absolute folder path; got ${JSON.stringify(settings.location)}.`);
  }
}

/**
 * Whether the Storage Service could work with these settings right now. For a folder this
 * creates it if needed and writes a probe file into it.
 */
export async function validateStorage(settings: SharedFileStoreSettings): Promise<void> {
  checkStorageShape(settings);
  switch (settings.type) {
    case 'unset':
    case 'unknown':
      throw new InvalidInputError(`sharedFileStore.type is ${settings.type}: choose a storage type (file_system).`);
    case 'Azure':
    case 'GCS':
      throw new InvalidInputError(`sharedFileStore.type ${settings.type} is not supported by Packstore; use file_system.`);
    case 'S3': {
      const missing = S3_REQUIRED.find((field) => !settings[field]);
      if (missing) throw new InvalidInputError(`sharedFileStore.${missing} is required for S3 storage.`);
      throw new InvalidInputError(
        'sharedFileStore.type S3 is not available in this Packstore version yet: S3 settings are accepted and kept, ' +
          'but the Storage Service stays not configured until the S3 store is added. Use file_system for now.',
      );
    }
    case 'file_system': {
      if (!settings.location) throw new InvalidInputError('sharedFileStore.location is required for file_system storage.');
      const store = blobStoreFor(settings);
      try {
        await store?.check();
      } catch (error) {
        throw new InvalidInputError(`sharedFileStore.location ${settings.location} cannot be written: ${errorText(error)}.`);
      }
    }
  }
}
