// How long the clientDays expiry sweep takes over a large archive (the target: 100,000 messages in at most a
// second), and how fast the archive takes messages in: 100,000 messages sent over 180 days, a tenth edited and a
// tenth reacted to, sealed in one-file-per-record storage as under Node; the sweep runs at day 180 with clientDays 90,
// so half go. Run: npm run bench:expiry -w client (BENCH_ARCHIVE_MESSAGES to change the count).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dayMs, runExpirySweep } from '../core/expiry/expirySweep.ts';
import { benchStart, seededArchive } from './seededArchive.ts';

const count = Number(process.env.BENCH_ARCHIVE_MESSAGES ?? 100_000);
const spanDays = 180;
const directory = await mkdtemp(join(tmpdir(), 'bleep-expiry-bench-'));
try {
  const seedingBegan = performance.now();
  const archive = await seededArchive(directory, count, Math.floor((spanDays * dayMs) / count));
  const seeding = performance.now() - seedingBegan;
  console.log(
    `archive write: ${count} messages (with edits and reactions) in ${(seeding / 1000).toFixed(1)} s, ` +
      `${Math.round(count / (seeding / 1000))} messages/s`,
  );
  const sweepBegan = performance.now();
  const result = await runExpirySweep({
    archive,
    clock: { now: () => benchStart + spanDays * dayMs },
    clientDays: 90,
    legalHolds: () => Promise.resolve({ status: 'in-force' as const, roomIds: [] }),
  });
  const sweep = performance.now() - sweepBegan;
  console.log(
    `expiry sweep: ${count} messages, ${result.removed} removed, ${result.kept} kept, in ${sweep.toFixed(0)} ms ` +
      `(target 1000 ms: ${sweep <= 1000 ? 'met' : 'missed'})`,
  );
  await archive.close();
} finally {
  await rm(directory, { recursive: true, force: true });
}
