import { Type } from 'typebox';
import { Open, WholeNumber } from './common.js';

/** Health, metrics and the audit log: Packstore's own calls for operators. */

export const HealthReply = Open({ status: Type.String(), checks: Type.Optional(Open({}, 'Each part (database, storage, jobs) and its state.')) });

export const MetricsText = Type.String({ description: 'Prometheus text format.' });

export const AuditQuery = Type.Object({
  user: Type.Optional(Type.String({ description: 'A login.' })),
  action: Type.Optional(Type.String()),
  from: Type.Optional(Type.String({ description: 'A Library or ISO date, or epoch milliseconds.' })),
  to: Type.Optional(Type.String({ description: 'A Library or ISO date, or epoch milliseconds.' })),
  offset: Type.Optional(WholeNumber(0, Number.MAX_SAFE_INTEGER)),
  limit: Type.Optional(WholeNumber(1, 1000)),
});

const NullableText = Type.Union([Type.String(), Type.Null()]);

export const AuditRecord = Open({
  id: Type.String(),
  time: Type.String(),
  action: Type.String(),
  outcome: Type.Integer({ description: 'The HTTP status the call was answered with.' }),
  userId: NullableText,
  userName: NullableText,
  remoteAddress: Type.String(),
  target: NullableText,
});
