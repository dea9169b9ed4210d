// The retention bench's settings, read once from the environment (zod, frozen; a bad value names the variable),
// and the seed key: the seeded snapshot is reused by every later bench run with the same seed parameters.
import { createHash } from 'node:crypto';
import { z } from 'zod';

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const benchSettingsSchema = z.object({
  /** Message events seeded (the old and the new together). */
  BENCH_EVENTS: count(100_000),
  BENCH_ROOMS: count(200),
  /** Application service users the rooms' members are drawn from. */
  BENCH_USERS: count(60),
  /** Share of the messages dated before the window (the rest are dated within the last day). */
  BENCH_OLD_FRACTION: z.coerce.number().gt(0).lt(1).default(0.9),
  /** Share of the rooms where nothing happened within the window (the purge must erase their latest message). */
  BENCH_IDLE_ROOM_FRACTION: z.coerce.number().min(0).lt(1).default(0.2),
  /** The oldest messages go through the application service (the client API); the rest are written in SQL. */
  BENCH_API_MESSAGES: z.coerce.number().int().min(0).default(5000),
  /** Requests in flight while seeding. */
  BENCH_SEED_CONCURRENCY: count(6),
  /** The latency sender's steady rate, messages per second, and how long it measures idle before a purge. */
  BENCH_SEND_RATE: count(10),
  BENCH_IDLE_SECONDS: count(30),
  /** Synapse's retention purge job interval, seconds: its first run comes this long after Synapse starts. */
  BENCH_SYNAPSE_JOB_INTERVAL_SECONDS: count(120),
  /** How long any one contender may take before the bench gives up on it. */
  BENCH_CONTENDER_TIMEOUT_SECONDS: count(1800),
  /** Comma-separated, in order: service, synapse-jobs, purge-history (and purge-history-500ms, not by default). */
  BENCH_CONTENDERS: z.string().default('service,synapse-jobs,purge-history'),
  /** Seed again even when a snapshot with these parameters is cached. */
  BENCH_RESEED: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

export type BenchSettings = Readonly<z.infer<typeof benchSettingsSchema>>;

export function parseBenchSettings(env: Readonly<Record<string, string | undefined>>): BenchSettings {
  const result = benchSettingsSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid bench settings:\n  ${problems.join('\n  ')}`);
  }
  return Object.freeze(result.data);
}

/** Bump when the seeded data's shape changes, so older snapshots are not reused. */
const seedVersion = 3;

/** A PostgreSQL-safe key for the seed parameters: the cached snapshot's name and folder. */
export function seedKey(settings: BenchSettings): string {
  const parameters = JSON.stringify([
    seedVersion,
    settings.BENCH_EVENTS,
    settings.BENCH_ROOMS,
    settings.BENCH_USERS,
    settings.BENCH_OLD_FRACTION,
    settings.BENCH_IDLE_ROOM_FRACTION,
    settings.BENCH_API_MESSAGES,
  ]);
  const hash = createHash('sha256').update(parameters).digest('hex').slice(0, 8);
  return `e${settings.BENCH_EVENTS}_r${settings.BENCH_ROOMS}_${hash}`;
}
