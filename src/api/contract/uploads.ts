import { Type } from 'typebox';
import { Open } from './common.js';

/**
 * Resumable uploads of a shared file's binary, tus 1.0 (Packstore's own). The tus headers are
 * checked by the protocol code (a missing Tus-Resumable is 412, not a schema's 400), so they are
 * declared here for the documentation only.
 */

export const UploadsParams = Type.Object({ fileId: Type.String({ description: 'A shared file id (an unknown or malformed one is 404).' }) });
export const UploadParams = Type.Object({
  fileId: Type.String({ description: 'The shared file the upload is for.' }),
  uploadId: Type.String({ description: 'The upload, the last segment of the Location that created it.' }),
});

const tusResumable = Type.Optional(Type.String({ description: 'The protocol version: 1.0.0 (anything else is 412).' }));

export const CreateUploadHeaders = Open({
  'tus-resumable': tusResumable,
  'upload-length': Type.Optional(Type.String({ description: 'The whole size in bytes: the size the shared file declared.' })),
  'upload-checksum': Type.Optional(Type.String({ description: 'With a body (creation-with-upload): "sha256 <base64>" of that body.' })),
});

export const PatchUploadHeaders = Open({
  'tus-resumable': tusResumable,
  'upload-offset': Type.Optional(Type.String({ description: "Where this chunk starts: the upload's current offset (else 409)." })),
  'upload-checksum': Type.Optional(Type.String({ description: '"sha256 <base64>" of this chunk; a mismatch is 460 and nothing of the chunk is kept.' })),
});

export const TusHeaders = Open({ 'tus-resumable': tusResumable });

export const UploadStatus = Open({
  id: Type.String(),
  fileId: Type.String(),
  offset: Type.Integer({ description: 'Bytes received and kept (also the Upload-Offset header).' }),
  length: Type.Integer(),
  expires: Type.String({ description: 'When an upload that receives nothing more is removed (also Upload-Expires).' }),
});

/** A chunk's body (PATCH, or POST with creation-with-upload): the raw bytes, streamed. */
export const CHUNK_TYPE_DESCRIPTION = 'application/offset+octet-stream: the bytes from Upload-Offset on (creation-with-upload: from 0).';
