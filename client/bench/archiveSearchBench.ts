// How long an offline search of the archive takes, as a scan of its decrypted records (there is no index): an
// archive of 1,000, 10,000 and 30,000 messages (a busy clinician's 90 days is a few thousand) in 20 rooms, a tenth
// edited and a tenth reacted to, in one-file-per-record storage as under Node. Each search is set against reading
// and decrypting every record (the baseline, measured in the same run), so the ratio shows what matching costs on
// top of the scan. Run: npm run bench -w client.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchOpenArchive } from '../core/search/searchArchive.ts';
import { seededArchive } from './seededArchive.ts';

async function median(times: number, run: () => Promise<unknown>): Promise<number> {
  const taken: number[] = [];
  for (let round = 0; round < times; round++) {
    const began = performance.now();
    await run();
    taken.push(performance.now() - began);
  }
  taken.sort((a, b) => a - b);
  return taken[Math.floor(taken.length / 2)] ?? Number.NaN;
}

for (const count of [1_000, 10_000, 30_000]) {
  const directory = await mkdtemp(join(tmpdir(), 'bleep-search-bench-'));
  try {
    const archive = await seededArchive(directory, count);
    const rounds = count > 10_000 ? 3 : 5;
    const scan = await median(rounds, () => archive.allRecords());
    const everywhere = await median(rounds, () => searchOpenArchive(archive, { text: 'sepsis corrected' }));
    const inRoom = { text: 'bed', roomId: '!room3:trust-a.localhost' };
    const oneRoom = await median(rounds, () => searchOpenArchive(archive, inRoom));
    const found = (await searchOpenArchive(archive, { text: 'sepsis corrected' })).length;
    const foundInRoom = (await searchOpenArchive(archive, inRoom)).length;
    console.log(
      `${String(count).padStart(6)} messages: read+decrypt all ${scan.toFixed(0)} ms; ` +
        `search all ${everywhere.toFixed(0)} ms (${(everywhere / scan).toFixed(2)}x the scan, ${found} found); ` +
        `search one room of 20 ${oneRoom.toFixed(0)} ms (${(oneRoom / scan).toFixed(2)}x, ${foundInRoom} found)`,
    );
    await archive.close();
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
