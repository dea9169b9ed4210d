import { describe, expect, it, vi } from 'vitest';
import { DeviceNotEnrolledError, ServerDownError, SessionEndedError } from '../errors/clientErrors.ts';
import { createTestPlatform } from '../platform.testkit.ts';
import type { SecretName } from '../secrets/secretStore.ts';
import { wipeClinicianData, wipeReasonFor } from './clinicianDataWipe.ts';

const identity = { userId: '@amelia:trust-a.example', deviceId: 'WARD12-PC03' };
const allSecrets: SecretName[] = ['desktop-enrolment', 'session', 'crypto-storage-key', 'archive-key'];

async function desktopWithEverything() {
  const test = createTestPlatform();
  for (const name of allSecrets) await test.secrets.write(name, new Uint8Array([1, 2, 3]));
  await test.archive.write('m.record', new Uint8Array([4, 5, 6]));
  return test;
}

describe('wiping a clinician data from the desktop', () => {
  it('at sign-out: erases the keys, the session and the archive, and keeps the desktop enrolled', async () => {
    const { platform, secrets, archive } = await desktopWithEverything();
    const wipe = await wipeClinicianData(platform, identity, 'signed-out');
    expect([...secrets.entries.keys()]).toEqual(['desktop-enrolment']);
    expect(archive.records.size).toBe(0);
    expect(archive.destroyed()).toBe(true);
    expect(wipe).toEqual({
      reason: 'signed-out',
      wipedAt: platform.clock.now(),
      erased: ['archive-key', 'crypto-storage-key', 'session', 'screen-lock-pin', 'archive', 'crypto-store'],
      failed: [],
    });
  });

  it('for a revoked desktop: erases its device credential too', async () => {
    const { platform, secrets } = await desktopWithEverything();
    const wipe = await wipeClinicianData(platform, identity, 'device-revoked');
    expect(secrets.entries.size).toBe(0);
    expect(wipe.erased).toContain('desktop-enrolment');
  });

  it('erases the keys first, and goes on when a step fails, saying which', async () => {
    const { platform, secrets, archive } = await desktopWithEverything();
    const order: string[] = [];
    vi.spyOn(secrets, 'delete').mockImplementation((name) => {
      order.push(name);
      secrets.entries.delete(name);
      return Promise.resolve();
    });
    vi.spyOn(archive, 'destroy').mockRejectedValueOnce(new Error('disk gone'));
    const wipe = await wipeClinicianData(platform, identity, 'signed-out-by-server');
    expect(order).toEqual(['archive-key', 'crypto-storage-key', 'session', 'screen-lock-pin']);
    expect(wipe.failed).toEqual(['archive']);
    expect(wipe.erased).toEqual([
      'archive-key',
      'crypto-storage-key',
      'session',
      'screen-lock-pin',
      'crypto-store',
    ]);
  });

  it('says why: a revoked desktop, or a session the server ended', () => {
    expect(wipeReasonFor(new DeviceNotEnrolledError('session'))).toBe('device-revoked');
    expect(wipeReasonFor(new SessionEndedError())).toBe('signed-out-by-server');
    expect(wipeReasonFor(new ServerDownError('unreachable'))).toBe('signed-out-by-server');
  });
});
