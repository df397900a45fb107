import { Type, type Static } from 'typebox';
import { Guid, Maybe, Open } from './common.js';

/** Sessions, identity tokens and users (library-api-contract §1). */

/** Library clients send numbers where strings are meant (`loginMode: 1`). */
const Text = Type.Union([Type.String(), Type.Number()]);

export const LoginBody = Open(
  { loginMode: Maybe(Text), username: Maybe(Text), password: Maybe(Text) },
  'A form or a JSON object; loginMode 1 (standard) only.',
);
export type LoginBody = Static<typeof LoginBody>;

export const DelegateBody = Open({ loginMode: Maybe(Text), identityToken: Maybe(Text) }, 'loginMode -1 and the token from POST /api/auth/identityToken.');
export type DelegateBody = Static<typeof DelegateBody>;

export const IdentityTokenHeader = Open({
  'x-mstr-identitytoken': Type.String({ minLength: 1, description: 'The identity token to validate.', 'x-message': 'must be the token to validate' }),
});

export const SessionInfo = Open({
  timeout: Type.Integer({ description: 'Idle timeout, in seconds.' }),
  workingSet: Type.Integer(),
  maxSearch: Type.Integer(),
  userId: Type.String(),
  userFullName: Type.String(),
  locale: Type.Integer(),
});

export const UserInfo = Open({
  id: Type.String(),
  name: Type.String(),
  fullName: Type.String(),
  initials: Type.Optional(Type.String()),
  privileges: Type.Array(Type.String()),
});
export type UserInfo = Static<typeof UserInfo>;

export const ServerStatus = Open({ webVersion: Type.String(), iServerVersion: Type.String(), deploymentType: Type.String() });

export const UserIdParams = Type.Object({ id: Guid('A user id.') });
export const User = Open({
  id: Type.String(),
  name: Type.String(),
  username: Type.String(),
  fullName: Type.String(),
  initials: Type.String(),
  enabled: Type.Boolean(),
  type: Type.Integer(),
  subtype: Type.Integer(),
});
