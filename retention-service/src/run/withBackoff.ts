// Tries a step again when its dependency (Synapse, PostgreSQL) is down or busy, waiting longer each time, and
// reports each retry so it shows in metrics. A refusal is not retried: asking again would get the same answer.
export type BackoffOptions = Readonly<{
  attempts: number;
  baseMs: number;
  /** No single wait is longer than this. */
  maxMs?: number;
  isRetryable: (error: unknown) => boolean;
  /** A wait the error itself asks for (Synapse's retry_after_ms), if any. */
  requestedDelayMs?: (error: unknown) => number | undefined;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  sleep: (ms: number) => Promise<void>;
}>;

export async function withBackoff<T>(work: () => Promise<T>, options: BackoffOptions): Promise<T> {
  const maxMs = options.maxMs ?? 60_000;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts || !options.isRetryable(error)) throw error;
      const backoff = Math.min(maxMs, options.baseMs * 2 ** (attempt - 1));
      const delayMs = Math.min(maxMs, Math.max(backoff, options.requestedDelayMs?.(error) ?? 0));
      options.onRetry?.(error, attempt, delayMs);
      await options.sleep(delayMs);
    }
  }
}

/** PostgreSQL errors worth retrying: the server is gone, starting, shutting down or out of connections. */
export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  // Node's own connection errors, and SQLSTATE classes 08 (connection), 53 (resources), 57P (operator shutdown).
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code) ||
    code.startsWith('08') ||
    code.startsWith('53') ||
    code.startsWith('57P')
  );
}
