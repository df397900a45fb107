import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { ClientError, jsonOf, send } from './http.js';
import { emit, openSession, table, withClientOptions, type ClientOptions } from './command-kit.js';
import type { Json } from './http.js';
import type { TrustedKey } from '../../api/contract/signing.js';

const KEYS = '/api/environment/keys';
const TRUSTED = '/api/environment/trustedKeys';
const KEY_ID = /^[0-9a-f]{16}$/;

/** A source's keys document: from its URL (GET /api/environment/keys, which needs no account) or a saved file. */
async function keysDocument(source: string): Promise<Json> {
  if (/^https?:\/\//i.test(source)) {
    const url = new URL(source);
    const base = url.pathname.endsWith(KEYS) ? `${url.origin}${url.pathname.slice(0, -KEYS.length)}` : source;
    return jsonOf(await send(base, 'GET', KEYS));
  }
  const text = await readFile(source, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ClientError(`${source} cannot be read (${error.code ?? error.message}): give the source environment's URL or a file saved from its ${KEYS}`);
  });
  try {
    return JSON.parse(text) as Json;
  } catch {
    throw new ClientError(`${source} is not JSON: save the answer of the source environment's ${KEYS}`);
  }
}

async function trustedKeys(options: ClientOptions): Promise<TrustedKey[]> {
  const list = await (await openSession(options)).json('GET', TRUSTED);
  return Array.isArray(list.data) ? (list.data as TrustedKey[]) : [];
}

export function registerTrust(program: Command): void {
  const trust = program.command('trust').description('the source environments whose signed packages this environment trusts');

  withClientOptions(
    trust.command('add <urlOrKeyFile>').description('trust the signing keys of a source environment (its URL, or a file saved from its /api/environment/keys)'),
  ).action(async (source: string, options: ClientOptions) => {
    const document = await keysDocument(source);
    const session = await openSession(options);
    const added = await session.json('POST', TRUSTED, { json: document });
    const keys = Array.isArray(added.data) ? (added.data as TrustedKey[]) : [];
    emit(
      options,
      added,
      keys.length === 0
        ? `every key of ${String(document.environmentId)} was trusted already`
        : keys.map((k) => `trusted ${k.keyId} of ${k.environmentId}`).join('\n'),
    );
  });

  withClientOptions(trust.command('ls').description('list the trusted source keys')).action(async (options: ClientOptions) => {
    const keys = await trustedKeys(options);
    emit(
      options,
      keys,
      table(
        ['KEY', 'ENVIRONMENT', 'NAME', 'ADDED BY'],
        keys.map((k) => [k.keyId, k.environmentId, k.environmentName, k.addedBy]),
        'No trusted source keys: add one with `packstore trust add <url|key-file>`.',
      ),
    );
  });

  withClientOptions(trust.command('rm <keyIdOrEnvironment>').description('stop trusting one key, or every key of an environment (its URL)')).action(
    async (which: string, options: ClientOptions) => {
      const ids = KEY_ID.test(which) ? [which] : (await trustedKeys(options)).filter((k) => k.environmentId === which.replace(/\/+$/, '')).map((k) => k.keyId);
      if (ids.length === 0) throw new ClientError(`no trusted key of ${which}`);
      const session = await openSession(options);
      for (const id of ids) await jsonOf(await session.send('DELETE', `${TRUSTED}/${id}`));
      emit(options, { removed: ids }, ids.map((id) => `no longer trusted: ${id}`).join('\n'));
    },
  );
}
