import { InvalidInputError } from '../domain/errors.js';
import { isRecord } from '../domain/input.js';
import { SECRET_SETTINGS, STORAGE_TYPES, type SharedFileStoreSettings, type StorageType } from '../store/storage-settings.js';

/** What GET shows instead of a stored secret; sent back unchanged it keeps the secret. */
export const SECRET_MASK = '********';

const TEXT_FIELDS = ['alias', 'location', 's3Region', 'awsAccessId', 's3Endpoint', 'azureStorageAccountName', ...SECRET_SETTINGS] as const;

function isStorageType(value: unknown): value is StorageType {
  return typeof value === 'string' && (STORAGE_TYPES as readonly string[]).includes(value);
}

/** GET /api/mstrServices/library/storage: the settings with every secret masked. */
export function storageView(settings: SharedFileStoreSettings, configured: boolean) {
  const masked = (secret: string) => (secret ? SECRET_MASK : '');
  return {
    sharedFileStore: {
      type: settings.type,
      alias: settings.alias,
      location: settings.location,
      s3Region: settings.s3Region,
      awsAccessId: settings.awsAccessId,
      awsSecretKey: masked(settings.awsSecretKey),
      s3Endpoint: settings.s3Endpoint,
      s3ForcePathStyle: settings.s3ForcePathStyle,
      azureStorageAccountName: settings.azureStorageAccountName,
      azureSecretKey: masked(settings.azureSecretKey),
      gcsServiceAccountKey: masked(settings.gcsServiceAccountKey),
      configured,
    },
  };
}

/**
 * Applies `{sharedFileStore: {...}}` over the current settings: fields left out (or null) keep
 * their value, `configured` is ignored (it is computed), a masked secret keeps the stored one.
 */
export function applyStorageBody(current: SharedFileStoreSettings, body: unknown): SharedFileStoreSettings {
  if (!isRecord(body) || !isRecord(body.sharedFileStore)) throw new InvalidInputError('The body must be {"sharedFileStore": {...}}.');
  const input = body.sharedFileStore;
  const next: SharedFileStoreSettings = { ...current };
  if (input.type !== undefined && input.type !== null) {
    if (!isStorageType(input.type))
      throw new InvalidInputError(`sharedFileStore.type must be one of ${STORAGE_TYPES.join(', ')}; got ${JSON.stringify(input.type)}.`);
    next.type = input.type;
  }
  for (const field of TEXT_FIELDS) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') throw new InvalidInputError(`sharedFileStore.${field} must be a string.`);
    if ((SECRET_SETTINGS as readonly string[]).includes(field) && value === SECRET_MASK) continue;
    next[field] = field === 'location' ? value.trim() : value;
  }
  const pathStyle = input.s3ForcePathStyle;
  if (pathStyle !== undefined && pathStyle !== null) {
    if (typeof pathStyle !== 'boolean') throw new InvalidInputError('sharedFileStore.s3ForcePathStyle must be true or false.');
    next.s3ForcePathStyle = pathStyle;
  }
  return next;
}
