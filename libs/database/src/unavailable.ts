const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_QUERY_INTERRUPTED',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_LOCK_DEADLOCK',
  'ER_OPTION_PREVENTS_STATEMENT',
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_FULL',
  'SQLITE_IOERR',
]);

/**
 * The database, not the statement, failed: connection refused, lost or killed, server shutting
 * down, too many connections, read-only failover, lock timeouts, disk full. Retrying the same
 * statement later can succeed, so callers report it as an outage (`UnavailableError`) rather
 * than a fault of the message.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, fatal, driverError, message } = e as { code?: unknown; fatal?: unknown; driverError?: unknown; message?: unknown };
    if (fatal === true) return true;
    if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('SQLITE_IOERR'))) return true;
    if (typeof message === 'string' && /connection is in closed state|Connection lost|Pool is closed|connect ECONNREFUSED/i.test(message)) return true;
    if (driverError && isDatabaseUnavailable(driverError)) return true;
  }
  return false;
}
