/**
 * Whether an error means a datastore or the broker could not be reached (down, restarting,
 * refusing connections, the connection cut mid-query), rather than a bug or bad data. Such a
 * failure is retryable: a client gets SERVICE_UNAVAILABLE, a consumer retries without spending
 * one of its attempts. Recognised by the drivers' own codes and names, so this module imports none.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause && depth < 5; depth += 1) {
    if (isUnavailableItself(cause)) return true;
    cause =
      (cause as { cause?: unknown; originalError?: unknown }).cause ??
      (cause as { originalError?: unknown }).originalError;
  }
  return false;
}

/** PostgreSQL SQLSTATEs of a server shutting down, starting up, out of connections, or a lost connection. */
const POSTGRES_UNAVAILABLE = new Set([
  "57P01", // admin_shutdown: terminating connection due to administrator command
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: the database system is starting up / shutting down
  "53300", // too_many_connections
  "08000", // connection_exception
  "08001", // sqlclient_unable_to_establish_sqlconnection
  "08003", // connection_does_not_exist
  "08006", // connection_failure
]);

/** Socket-level failures (Node's errno codes). */
const NETWORK_UNAVAILABLE = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** node-postgres reports a lost or never-made connection in plain errors with these messages. */
const POSTGRES_CLIENT_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
];

/** The MongoDB driver's error classes for an unreachable or lost server. */
const MONGO_UNAVAILABLE = new Set([
  "MongoNetworkError",
  "MongoNetworkTimeoutError",
  "MongoServerSelectionError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoPoolClearedError",
]);

/** MongoDB's server-side codes for a server shutting down, stepping down or out of reach. */
const MONGO_UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  91, // ShutdownInProgress
  189, // PrimarySteppedDown
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

/**
 * FerretDB answers InternalError (code 1) with its PostgreSQL backend's failure in the message when
 * that backend is restarting or out of reach.
 */
const FERRETDB_INTERNAL_ERROR = 1;
const FERRETDB_BACKEND_UNAVAILABLE =
  /SQLSTATE (57P0[123]|53300|08\d{3})|failed to connect to|connection refused|conn closed|unexpected EOF/i;

function isUnavailableItself(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  if (typeof code === "string" && (POSTGRES_UNAVAILABLE.has(code) || NETWORK_UNAVAILABLE.has(code))) return true;
  if (typeof name === "string" && MONGO_UNAVAILABLE.has(name)) return true;
  if (typeof name === "string" && name.startsWith("Mongo") && typeof code === "number") {
    if (MONGO_UNAVAILABLE_CODES.has(code)) return true;
    if (code === FERRETDB_INTERNAL_ERROR && typeof message === "string" && FERRETDB_BACKEND_UNAVAILABLE.test(message))
      return true;
  }
  return typeof message === "string" && POSTGRES_CLIENT_MESSAGES.some((known) => message.startsWith(known));
}
