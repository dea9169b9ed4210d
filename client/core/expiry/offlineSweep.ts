// The sweep at a start that cannot reach the trust's gateway (server down): the archive is still swept, with the
// clientDays its last sweep applied, and no legal holds, since they cannot be asked (an error never keeps more).
// Nothing is reported: the first sweep once the gateway answers does that. A desktop with no archive, or whose
// archive has never been swept, has nothing to go on and is left for that first online sweep.
import { openKeptDesktopArchive } from '../archive/openDesktopArchive.ts';
import type { Platform } from '../platform.ts';
import type { BleepStore } from '../stores/bleepStore.ts';
import { runExpirySweep, type ExpirySweepResult } from './expirySweep.ts';

export async function sweepWhileOffline(
  platform: Pick<Platform, 'archive' | 'secrets' | 'randomBytes' | 'logger' | 'clock'>,
  store: BleepStore,
): Promise<ExpirySweepResult | undefined> {
  const archive = await openKeptDesktopArchive(platform);
  if (archive === undefined) return undefined;
  try {
    const last = await archive.readSweepRecord();
    if (last === undefined) return undefined;
    const result = await runExpirySweep({
      archive,
      clock: platform.clock,
      clientDays: last.clientDays,
      legalHolds: () => Promise.resolve({ status: 'unavailable', problem: 'server-down' }),
    });
    store.getState().expirySwept(result);
    platform.logger.child('expiry').info('swept the archive while the gateway is out of reach', {
      removed: result.removed,
      kept: result.kept,
    });
    return result;
  } finally {
    await archive.close();
  }
}
