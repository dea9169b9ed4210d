// Works through a list with at most `concurrency` items at once, item i starting no earlier than spreadMs·i/n after
// the first: a scheduled run spreads its rooms over part of its interval, so Synapse's main process never gets every
// room's purge at once. A spread of 0 starts items as soon as a slot is free.
export type PacedOptions = Readonly<{
  concurrency: number;
  spreadMs: number;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}>;

export async function pacedEach<T, R>(
  items: readonly T[],
  options: PacedOptions,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const start = options.clock().getTime();
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  async function worker(): Promise<void> {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      const due = start + (options.spreadMs * index) / items.length;
      const wait = due - options.clock().getTime();
      if (wait > 0) await options.sleep(wait);
      results[index] = await work(items[index] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, items.length)) }, worker));
  return results;
}
