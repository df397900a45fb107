/** Error codes that mean "the database cannot be reached", not "this query is wrong". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  // PostgreSQL: admin/crash shutdown, cannot connect now, database gone, too many connections.
  '57P01',
  '57P02',
  '57P03',
  '3D000',
  '53300',
  'SQLITE_CANTOPEN',
  'SQLITE_NOTADB',
]);

/** pg reports lost connections with these texts and no code. */
const UNREACHABLE_TEXT = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connection is closed/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError) return error.errors.some(isDatabaseUnavailable);
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  // SQLSTATE class 08: connection exceptions.
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return UNREACHABLE_TEXT.test(error.message);
}
