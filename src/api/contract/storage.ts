import { Type } from 'typebox';
import { Maybe, Open } from './common.js';

/** The Storage Service's settings (library-api-contract §4). Which types and locations are allowed is the store's rule. */

const Settings = {
  type: Type.String({ description: 'unset, unknown, file_system, S3, Azure or GCS.' }),
  alias: Type.String(),
  location: Type.String({ description: 'A folder, or s3://bucket/prefix.' }),
  s3Region: Type.String(),
  awsAccessId: Type.String(),
  awsSecretKey: Type.String({ description: 'Shown masked (********); sent back masked, it keeps the stored secret.' }),
  s3Endpoint: Type.String(),
  s3ForcePathStyle: Type.Boolean(),
  azureStorageAccountName: Type.String(),
  azureSecretKey: Type.String(),
  gcsServiceAccountKey: Type.String(),
};

export const StorageView = Open({ sharedFileStore: Open({ ...Settings, configured: Type.Boolean() }) });

/** Fields left out or null keep their value. */
export const StorageBody = Open({
  sharedFileStore: Open(
    Object.fromEntries(Object.entries(Settings).map(([name, schema]) => [name, Maybe(schema)])) as {
      [K in keyof typeof Settings]: ReturnType<typeof Maybe<(typeof Settings)[K]>>;
    },
  ),
});
