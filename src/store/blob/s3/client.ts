import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

export interface S3ConnectionSettings {
  s3Region: string;
  s3Endpoint: string;
  s3ForcePathStyle: boolean;
  awsAccessId: string;
  awsSecretKey: string;
}

/**
 * An S3 client for AWS or any S3-compatible server. Checksums only when an operation requires
 * them: with the SDK's defaults a streamed PutObject to a non-AWS server stored the aws-chunked
 * framing inside the object. No logger is given, so the SDK logs nothing (credentials included).
 */
export function s3ClientFor(settings: S3ConnectionSettings, requestHandler?: S3ClientConfig['requestHandler']): S3Client {
  return new S3Client({
    region: settings.s3Region || 'us-east-1',
    ...(settings.s3Endpoint ? { endpoint: settings.s3Endpoint } : {}),
    forcePathStyle: settings.s3ForcePathStyle,
    ...(settings.awsAccessId ? { credentials: { accessKeyId: settings.awsAccessId, secretAccessKey: settings.awsSecretKey } } : {}),
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    ...(requestHandler ? { requestHandler } : {}),
  });
}
