import { Type, type Static, type TObject, type TProperties, type TSchema } from 'typebox';

/**
 * The wire building blocks every area's contract uses. This folder holds only TypeBox schemas, their
 * static types and the pure domain lists they name: the console and the CLI import it, so it imports no
 * server code.
 */

/** The tag of the calls that are Packstore's own, beside the Library's (README, "Beyond the Library API"). */
export const PACKSTORE_EXTENSIONS = 'Packstore extensions';

/** A Library id: 32 upper-case hex digits. `x-message` is how a refusal reads after the field's name. */
export const Guid = (description?: string) =>
  Type.String({ pattern: '^[0-9A-F]{32}$', 'x-message': 'must be 32 upper-case hex characters', ...(description ? { description } : {}) });

/** An object whose undeclared properties pass through: Library clients send and read more than we declare. */
export const Open = <P extends TProperties>(properties: P, description?: string): TObject<P> =>
  Type.Object(properties, { additionalProperties: true, ...(description ? { description } : {}) });

/** A property clients may send as null, or leave out. */
export const Maybe = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

/** A body that may be absent (an empty request is validated as null). */
export const OptionalBody = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Query numbers arrive as text and are coerced; the bounds are the contract's. */
export const WholeNumber = (minimum: number, maximum: number, description?: string) =>
  Type.Integer({ minimum, maximum, 'x-message': `must be a whole number from ${minimum} to ${maximum}`, ...(description ? { description } : {}) });

/** true or false in any case (mstrio sends Python's `True`); the handler reads it with the domain's optionalBoolean. */
export const QueryBoolean = (description?: string) =>
  Type.String({ pattern: '^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$', 'x-message': 'must be true or false', ...(description ? { description } : {}) });

/**
 * A list sent as repeated keys, each possibly a comma list of items matching `item` (a regular
 * expression): `type=12,4&type=8`. Always an array once coerced.
 */
export const CommaList = (item: string, message: string, description?: string) =>
  Type.Array(Type.String({ pattern: `^\\s*(${item}\\s*)?(,\\s*(${item}\\s*)?)*$`, 'x-message': message }), description ? { description } : {});

/** Page bounds: limit -1 (or none) is as many as a page may hold. */
export const Paging = (maxPage: number) => ({
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(-1, maxPage, '-1: as many as a page holds.')),
});

/** Header names as clients spell them (Node lower-cases them), for messages that name a header. */
export const HEADER_NAMES: Record<string, string> = {
  'x-mstr-projectid': 'X-MSTR-ProjectID',
  'x-mstr-identitytoken': 'X-MSTR-IdentityToken',
  'x-mstr-authtoken': 'X-MSTR-AuthToken',
};

/** X-MSTR-ProjectID: the project a call works in; empty or absent means none (or the configuration). */
export const ProjectHeader = Open({
  'x-mstr-projectid': Type.Optional(
    Type.String({
      pattern: '^([0-9A-F]{32})?$',
      'x-message': 'must be a project id (32 upper-case hex characters)',
      description: 'The project the call works in.',
    }),
  ),
});
export type ProjectHeader = Static<typeof ProjectHeader>;

/** Every error: {code, message, ticketId} (contract §1). */
export const LibraryErrorBody = Open(
  { code: Type.String({ description: 'ERR001 … ERR017' }), message: Type.String(), ticketId: Type.String() },
  'The Library error shape.',
);
export type LibraryErrorBody = Static<typeof LibraryErrorBody>;

/** The Library error for every 4xx and 5xx. */
export const ERROR_REPLIES = { '4xx': LibraryErrorBody, '5xx': LibraryErrorBody };

/** An answer without a body (204, 202 …). */
export const Empty = Type.Null({ description: 'No body.' });

/** A download resumes with Range, and If-Range the ETag (the sha256) so that a changed file is sent whole. */
export const RangeHeaders = Open({
  range: Type.Optional(Type.String({ description: 'One byte range: bytes=start-end, start- or -suffix.' })),
  'if-range': Type.Optional(Type.String({ description: 'The ETag of the bytes already held.' })),
});

/** Package and undo bytes, whole (200) or a Range (206). */
export const BinaryReply = {
  200: Type.String({ format: 'binary', description: 'The bytes.' }),
  206: Type.String({ format: 'binary', description: 'The requested byte range.' }),
};

export const Named = Open({ id: Type.String(), name: Type.String() });
export type Named = Static<typeof Named>;

/** Packstore's own: where an uploaded package came from, as its header says (mstrio ignores it). */
export const PackageSource = Open(
  {
    environment: Named,
    project: Type.Optional(Named),
    packageId: Type.String({ description: "The package's id in its source environment." }),
    packageType: Type.String(),
    purpose: Type.String(),
    name: Type.String(),
    creator: Named,
  },
  "The lineage read from the package's header at upload.",
);
export type PackageSource = Static<typeof PackageSource>;

/** A page of a list: {total, data}. */
export const Page = <T extends TSchema>(item: T) => Open({ total: Type.Integer(), data: Type.Array(item) });
export type Page<T> = { total: number; data: T[] };

/** A route's answers: its own successes, and the Library error for the rest. */
export const replies = <R extends Record<number, TSchema>>(ok: R) => ({ ...ok, ...ERROR_REPLIES });
