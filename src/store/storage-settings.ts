import type { Kysely } from 'kysely';
import type { PackstoreConfig } from '../config/load.js';
import type { Database } from './db/schema.js';
import type { BlobStore } from './blob/blob-store.js';
import { LocalDiskBlobStore } from './blob/local-disk.js';
import { parseS3Location } from './blob/s3/location.js';
import { ConflictError, ServiceUnavailableError, STORAGE_NOT_CONFIGURED } from '../domain/errors.js';
import { newGuid } from '../domain/ids.js';
import { OwnedBlobStore } from './blob/owned-blob-store.js';
import { OwnedBlobRepository } from './owned-blobs.js';
import { needsResealing, openSecret, sealSecret, SecretUnreadableError, type SecretKeyring } from '../domain/secret-box.js';

export const STORAGE_TYPES = ['unset', 'unknown', 'file_system', 'S3', 'Azure', 'GCS'] as const;
export type StorageType = (typeof STORAGE_TYPES)[number];

/** The Library's sharedFileStore settings, as GET /api/mstrServices/library/storage shows them. */
export interface SharedFileStoreSettings {
  type: StorageType;
  alias: string;
  location: string;
  s3Region: string;
  awsAccessId: string;
  /** Kept for the S3 store; never shown back in clear. */
  awsSecretKey: string;
  s3Endpoint: string;
  s3ForcePathStyle: boolean;
  azureStorageAccountName: string;
  azureSecretKey: string;
  gcsServiceAccountKey: string;
}

/** The fields that hold secrets: sealed in the database, never shown back in clear. */
export const SECRET_SETTINGS = ['awsSecretKey', 'azureSecretKey', 'gcsServiceAccountKey'] as const;

export const UNSET_SETTINGS: SharedFileStoreSettings = {
  type: 'unset',
  alias: '',
  location: '',
  s3Region: '',
  awsAccessId: '',
  awsSecretKey: '',
  s3Endpoint: '',
  s3ForcePathStyle: false,
  azureStorageAccountName: '',
  azureSecretKey: '',
  gcsServiceAccountKey: '',
};

/** The settings a first start seeds from the config file: a folder, or an S3 bucket for `s3://bucket/prefix`. */
export function initialStorageSettings(config: PackstoreConfig): SharedFileStoreSettings {
  if (!/^s3:\/\//i.test(config.storageLocation)) return { ...UNSET_SETTINGS, type: 'file_system', alias: 'local', location: config.storageLocation };
  return {
    ...UNSET_SETTINGS,
    type: 'S3',
    alias: 's3',
    location: config.storageLocation,
    s3Region: config.s3Region,
    s3Endpoint: config.s3Endpoint,
    s3ForcePathStyle: config.s3ForcePathStyle,
    awsAccessId: config.s3AccessKeyId,
    awsSecretKey: config.s3SecretAccessKey,
  };
}

/** Builds the blob store that a configuration describes, or undefined when it cannot have one here. */
export async function blobStoreFor(settings: SharedFileStoreSettings): Promise<BlobStore | undefined> {
  if (settings.type === 'file_system' && settings.location) return new LocalDiskBlobStore(settings.location);
  if (settings.type === 'S3' && settings.location && settings.s3Region) {
    // The AWS SDK is the largest thing Packstore loads: only nodes whose storage is S3 load it.
    const [{ S3BlobStore }, { s3ClientFor }] = await Promise.all([import('./blob/s3/s3-blob-store.js'), import('./blob/s3/client.js')]);
    try {
      return new S3BlobStore(s3ClientFor(settings), parseS3Location(settings.location));
    } catch {
      return undefined; // a location that names no bucket: the Storage Service is not configured
    }
  }
  return undefined;
}

/** Two settings name the same place when a blob written under one is read under the other. */
function sameLocation(a: SharedFileStoreSettings, b: SharedFileStoreSettings): boolean {
  if (a.type !== b.type || a.location !== b.location) return false;
  return a.type !== 'S3' || (a.s3Endpoint === b.s3Endpoint && a.s3ForcePathStyle === b.s3ForcePathStyle);
}

interface LoadedSettings {
  text: string;
  settings: SharedFileStoreSettings;
  store?: OwnedBlobStore;
  /** A stored secret that no configured key opens. */
  unreadable: boolean;
}

/**
 * The environment's Storage Service: its settings in the database and the blob store they open.
 * The settings are read again on every use (one small row), because another node sharing the
 * database may have changed them; the store is rebuilt only when they did.
 */
export class StorageService {
  private cached?: LoadedSettings;
  readonly owned: OwnedBlobRepository;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly keyring: SecretKeyring,
  ) {
    this.owned = new OwnedBlobRepository(db);
  }

  async settings(): Promise<SharedFileStoreSettings> {
    return (await this.load()).settings;
  }

  /**
   * Sets the defaults on first start only: an administrator's later choice wins over the config
   * file. Secrets saved in clear by an older version, or under a key since rotated, are sealed
   * again under the current key.
   */
  async initialise(defaults: SharedFileStoreSettings): Promise<void> {
    // Two nodes starting for the first time together: one inserts, the other's insert does nothing.
    await this.db
      .insertInto('storage_config')
      .values({ id: 1, settings: this.serialise(defaults), owner_id: newGuid() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    // A database from before owner ids: the first node to get here names the environment's owner.
    await this.db.updateTable('storage_config').set({ owner_id: newGuid() }).where('id', '=', 1).where('owner_id', 'is', null).execute();
    this.cached = undefined;
    const { stored } = await this.readStored();
    if (SECRET_SETTINGS.some((field) => needsResealing(stored[field] ?? '', this.keyring))) {
      const { settings, unreadable } = await this.load();
      if (!unreadable) await this.save(settings);
    }
  }

  /**
   * Saves new settings. A new location is refused while this environment has blobs stored: the
   * records would point at files the new location does not hold, and recovery would then take
   * them for lost. The administrator deletes (or downloads and deletes) the packages first.
   */
  async save(settings: SharedFileStoreSettings): Promise<void> {
    const current = await this.settings();
    if (current.type !== 'unset' && !sameLocation(current, settings)) {
      const stored = await this.owned.count();
      if (stored > 0) {
        throw new ConflictError(
          `The Storage Service cannot move from ${current.location || current.type} to ${settings.location || settings.type}: ` +
            `it holds ${stored} file(s) of this environment (packages, undo packages, status files) that the new location does not have. ` +
            'Delete the migration packages and shared files first, or keep the current location.',
        );
      }
    }
    await this.db
      .updateTable('storage_config')
      .set({ settings: this.serialise(settings) })
      .where('id', '=', 1)
      .execute();
    this.cached = undefined;
  }

  /** Whether the settings describe a store this server can open. */
  async configured(): Promise<boolean> {
    return (await this.load()).store !== undefined;
  }

  /** The blob store, or 503 with the Library's text when the Storage Service is not configured. */
  async blobs(): Promise<OwnedBlobStore> {
    const { store } = await this.load();
    if (!store) throw new ServiceUnavailableError(STORAGE_NOT_CONFIGURED);
    return store;
  }

  private serialise(settings: SharedFileStoreSettings): string {
    const sealed = { ...settings };
    for (const field of SECRET_SETTINGS) sealed[field] = sealSecret(settings[field], this.keyring);
    return JSON.stringify(sealed);
  }

  private async readStored(): Promise<{ text: string; stored: Partial<SharedFileStoreSettings>; ownerId?: string }> {
    const row = await this.db.selectFrom('storage_config').select(['settings', 'owner_id']).where('id', '=', 1).executeTakeFirst();
    const text = row?.settings ?? '{}';
    return { text: `${row?.owner_id ?? ''}:${text}`, stored: JSON.parse(text) as Partial<SharedFileStoreSettings>, ownerId: row?.owner_id ?? undefined };
  }

  /**
   * A secret no configured key opens (a node without the shared storage.secretKey) leaves the
   * Storage Service unconfigured on this node rather than failing every request.
   */
  private async load(): Promise<LoadedSettings> {
    const { text, stored, ownerId } = await this.readStored();
    if (this.cached?.text === text) return this.cached;
    const settings: SharedFileStoreSettings = { ...UNSET_SETTINGS, ...stored };
    let unreadable = false;
    for (const field of SECRET_SETTINGS) {
      try {
        settings[field] = openSecret(settings[field], this.keyring);
      } catch (error) {
        if (!(error instanceof SecretUnreadableError)) throw error;
        settings[field] = '';
        unreadable = true;
      }
    }
    const inner = unreadable ? undefined : await blobStoreFor(settings);
    this.cached = { text, settings, store: inner && ownerId ? new OwnedBlobStore(inner, this.owned, ownerId) : undefined, unreadable };
    return this.cached;
  }
}
