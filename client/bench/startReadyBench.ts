// How long a desktop takes from start to a ready room list (the target: 200 rooms and 20,000 archived messages
// in at most a second), against the local stack (`npm run stack -- up`): a clinician in 200 rooms, with 20,000
// messages in their desktop's archive, restarts the core; timed from the new core's restore() to the store showing
// the session ready with all 200 rooms and the archive's messages in the timeline. Three restarts; prints, asserts
// nothing. Run: npm run bench:start -w client.
import { randomBytes } from 'node:crypto';
import { runningTrusts } from '../../deploy/test/integration/stackCli.ts';
import { trustNamed } from '../../deploy/test/integration/stackInfo.ts';
import { synapseAdminToken } from '../../deploy/test/integration/synapseHoldings.ts';
import { openDesktopArchive } from '../core/archive/openDesktopArchive.ts';
import { selectJoinedRooms } from '../core/stores/selectors/roomSelectors.ts';
import { selectSession } from '../core/stores/selectors/sessionSelectors.ts';
import { createFileArchiveStorage } from '../node/fileArchiveStorage.ts';
import { consoleLogger } from '../node/nodePlatform.ts';
import { openPassphraseSecretStore } from '../node/passphraseSecretStore.ts';
import { signedInDesktop, startCore } from '../test/integration/bleepDesktop.testkit.ts';
import { keepBenchMessages } from './seededArchive.ts';

const rooms = Number(process.env.BENCH_ROOMS ?? 200);
const messages = Number(process.env.BENCH_ARCHIVE_MESSAGES ?? 20_000);

async function main(): Promise<void> {
  const trust = trustNamed(await runningTrusts(), 'trust-a');
  const desktop = await signedInDesktop(trust, 'bench-start');
  // Trust IT lifts the bench account's rate limits (Synapse lets a user make about one room a minute after ten).
  const lifted = await fetch(
    `${trust.synapseUrl}/_synapse/admin/v1/users/${encodeURIComponent(desktop.account.userId)}/override_ratelimit`,
    {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await synapseAdminToken(trust)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ messages_per_second: 0, burst_count: 0 }),
    },
  );
  if (!lifted.ok) throw new Error(`could not lift the rate limits: ${lifted.status}`);
  const roomIds: string[] = [];
  for (let index = 0; index < rooms; index++) {
    roomIds.push(await desktop.core.rooms.openRoom({ name: `Bench ward ${index}`, invite: [] }));
  }
  desktop.core.stop();
  // The desktop's own archive, with its own key, filled as years of sync would have.
  const secrets = await openPassphraseSecretStore({
    path: desktop.files.secretsPath,
    passphrase: desktop.files.passphrase,
  });
  const archive = await openDesktopArchive({
    archive: createFileArchiveStorage(desktop.files.archiveDirectory),
    secrets,
    randomBytes: (length) => randomBytes(length),
    logger: consoleLogger('bench', 'error'),
  });
  // Within the last 60 days, so the start's sweep keeps them all.
  const now = Date.now();
  const spacing = Math.floor((60 * 86_400_000) / messages);
  await keepBenchMessages(archive, messages, roomIds, spacing, now - 60 * 86_400_000);
  await archive.close();

  console.log(`Start to a ready room list: ${rooms} rooms, ${messages} archived messages, trust-a`);
  const taken: number[] = [];
  for (let round = 1; round <= 3; round++) {
    const core = await startCore(desktop.files);
    const began = performance.now();
    await core.restore();
    await new Promise<void>((resolve) => {
      const ready = () => {
        const state = core.store.getState();
        return selectSession(state).status === 'ready' && selectJoinedRooms(state).length >= rooms;
      };
      if (ready()) {
        resolve();
        return;
      }
      const unsubscribe = core.store.subscribe(() => {
        if (ready()) {
          unsubscribe();
          resolve();
        }
      });
    });
    const ms = performance.now() - began;
    taken.push(ms);
    const shown = Object.values(core.store.getState().timeline.byRoom).reduce(
      (sum, items) => sum + items.length,
      0,
    );
    console.log(`  restart ${round}: ready in ${ms.toFixed(0)} ms (${shown} timeline items in the store)`);
    core.stop();
  }
  const best = Math.min(...taken);
  console.log(`best ${best.toFixed(0)} ms (target 1000 ms: ${best <= 1000 ? 'met' : 'missed'})`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
