import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import S3rver from 's3rver';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3ClientFor, type S3ConnectionSettings } from '../../src/store/blob/s3/client.js';

/** s3rver accepts any credentials; these only have to be non-empty. */
export const S3RVER_CREDENTIALS = { awsAccessId: 'S3RVER', awsSecretKey: 'S3RVER' };

export interface LocalS3 {
  endpoint: string;
  bucket: string;
  connection: S3ConnectionSettings;
  /** Stops answering and drops open connections (the storage is unreachable), keeping the bucket's data. */
  pause(): Promise<void>;
  /** Answers again on the same port, with the same data. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

/** The settings of a server whose storage is this S3 server's bucket, reached at `endpoint` (a proxy in front of it, say). */
export function s3StorageOverrides(s3: LocalS3, endpoint = s3.endpoint): Record<string, string> {
  return {
    'storage.location': `s3://${s3.bucket}/env`,
    'storage.s3.endpoint': endpoint,
    'storage.s3.forcePathStyle': 'true',
    'storage.s3.accessKeyId': s3.connection.awsAccessId,
    'storage.s3.secretAccessKey': s3.connection.awsSecretKey,
  };
}

/** An S3-compatible server (s3rver) on a random loopback port, with one fresh bucket. */
export async function startLocalS3(): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'packstore-s3-'));
  let server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const address = await server.run();
  let running = true;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const connection: S3ConnectionSettings = { s3Region: 'us-east-1', s3Endpoint: endpoint, s3ForcePathStyle: true, ...S3RVER_CREDENTIALS };
  const bucket = `packstore-${randomBytes(4).toString('hex')}`;
  const client = s3ClientFor(connection);
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
  return {
    endpoint,
    bucket,
    connection,
    async pause() {
      const closed = server.close();
      // As a stopped server does: connections in use end now, instead of close() waiting for them.
      server.httpServer?.closeAllConnections();
      await closed;
      running = false;
    },
    async resume() {
      server = new S3rver({ port: address.port, address: '127.0.0.1', silent: true, directory });
      await server.run();
      running = true;
    },
    async close() {
      if (running) await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
