import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError, type PackstoreConfig } from '../config/load.js';
import { decodeSecretKey, type SecretKeyring } from '../domain/secret-box.js';

export const SECRET_KEY_FILE = 'secret.key';

/**
 * The key that seals stored secrets: storage.secretKey, or else `<data-dir>/secret.key` (32
 * random bytes, mode 0600, created at the first start). Several nodes must share one key, so
 * they set storage.secretKey to the same value.
 */
async function currentKey(config: PackstoreConfig): Promise<Buffer> {
  const configured = decodeSecretKey(config.storageSecretKey);
  if (configured) return configured;
  const file = path.join(config.dataDir, SECRET_KEY_FILE);
  // Written aside, then linked into place: two processes starting together never see a half
  // written key, and the second one's link fails and it reads the first one's key.
  await mkdir(config.dataDir, { recursive: true });
  const aside = `${file}.${randomBytes(6).toString('hex')}`;
  await writeFile(aside, randomBytes(32), { flag: 'wx', mode: 0o600 });
  try {
    await link(aside, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(aside, { force: true });
  }
  const key = await readFile(file);
  if (key.length !== 32) throw new Error(`${file} must hold exactly 32 bytes (it holds ${key.length}).`);
  return key;
}

export async function loadSecretKeyring(config: PackstoreConfig): Promise<SecretKeyring> {
  const previous = config.storagePreviousSecretKeys.map((text) => {
    const key = decodeSecretKey(text);
    // The configuration refuses such a key at load; this guards a config built another way.
    if (!key) throw new ConfigError('storage.previousSecretKeys holds a value that is not a 32-byte key.');
    return key;
  });
  return { current: await currentKey(config), previous };
}
