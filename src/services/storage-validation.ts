import { InvalidInputError, LibraryError } from '../domain/errors.js';
import { blobStoreFor, type SharedFileStoreSettings } from '../store/storage-settings.js';
import { parseS3Location } from '../store/blob/s3/location.js';
import { checkFolderLocation, type LocationRules } from '../store/storage-location.js';

const S3_REQUIRED = ['location', 's3Region', 'awsAccessId', 'awsSecretKey'] as const;

function errorText(error: unknown): string {
  if (error instanceof LibraryError) return error.message;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}

/**
 * Problems that make settings unfit to save, whatever the store: a 400 naming the field and the
 * rule. Creates nothing: a folder is only looked at.
 */
export async function checkStorageSettings(settings: SharedFileStoreSettings, rules: LocationRules): Promise<void> {
  if (settings.type === 'file_system' && settings.location) await checkFolderLocation(settings.location, rules);
  if (settings.type === 'S3' && settings.location) parseS3Location(settings.location);
  if (settings.type === 'S3' && settings.s3Endpoint && !/^https?:\/\/[^/\s]+/i.test(settings.s3Endpoint)) {
    throw new InvalidInputError(`sharedFileStore.s3Endpoint must be an http:// or https:// URL; got ${JSON.stringify(settings.s3Endpoint)}.`);
  }
}

/**
 * Whether the Storage Service could work with these settings right now. For a folder that
 * passed the location rules this creates it if needed and writes a probe file into it.
 */
export async function validateStorage(settings: SharedFileStoreSettings, rules: LocationRules): Promise<void> {
  const missing = settings.type === 'S3' ? S3_REQUIRED.find((field) => !settings[field]) : undefined;
  if (missing) throw new InvalidInputError(`sharedFileStore.${missing} is required for S3 storage.`);
  await checkStorageSettings(settings, rules);
  switch (settings.type) {
    case 'unset':
    case 'unknown':
      throw new InvalidInputError(`sharedFileStore.type is ${settings.type}: choose a storage type (file_system or S3).`);
    case 'Azure':
    case 'GCS':
      throw new InvalidInputError(`sharedFileStore.type ${settings.type} is not supported by Packstore; use file_system or S3.`);
    case 'S3': {
      try {
        await (await blobStoreFor(settings))?.check();
      } catch (error) {
        throw new InvalidInputError(
          `sharedFileStore.location ${settings.location} cannot be written (S3 endpoint ${settings.s3Endpoint || 'AWS'}): ${errorText(error)}`,
        );
      }
      return;
    }
    case 'file_system': {
      if (!settings.location) throw new InvalidInputError('sharedFileStore.location is required for file_system storage.');
      const store = await blobStoreFor(settings);
      try {
        await store?.check();
      } catch (error) {
        throw new InvalidInputError(`sharedFileStore.location ${settings.location} cannot be written: ${errorText(error)}.`);
      }
    }
  }
}
