// How a failed call to Synapse's admin API is told to trust IT: Synapse's own errcode and sentence when it gave one,
// else the status; the network failure's useful part (ECONNREFUSED, a timeout). Never the admin token.

/** An answer that was not a success, in words. */
export function describeRefusal(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { errcode?: unknown; error?: unknown };
    if (typeof parsed.errcode === 'string') {
      return `Synapse answered ${status} ${parsed.errcode}${typeof parsed.error === 'string' ? `: ${parsed.error}` : ''}`;
    }
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return `Synapse answered ${status}`;
}

export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return 'request failed';
  if (error.name === 'TimeoutError') return 'Synapse did not answer in time';
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND) in the cause.
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail =
    typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : '';
  return `cannot reach Synapse: ${error.message}${detail ? ` (${detail})` : ''}`;
}
