// Needs the real local stack: trust-a and trust-b (chroot Synapse behind the policy gateway, PostgreSQL). What the
// desktop's "New conversation" and sign-in screens need from the client core, for real: enrolment with the code
// alone (the device id comes back from the gateway), the trust's staff directory searched as plain data, and the
// partner trusts' names from the signed trust directory in the policy view.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { enrolmentStoreOf, issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { DeviceNotEnrolledError, EnrolmentRefusedError } from '../../core/errors/clientErrors.ts';
import { selectSession, selectTrustPolicy } from '../../core/stores/selectors/sessionSelectors.ts';
import {
  createStaffAccount,
  newDesktopFiles,
  newDeviceId,
  startCore,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';

let trustA: RunningTrust;
let trustB: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
  trustB = trustNamed(inject('stack'), 'trust-b');
});

describe('a desktop enrolled with the code alone, finding colleagues', () => {
  let clinician: StaffAccount;

  beforeAll(async () => {
    clinician = await createStaffAccount(trustA, 'new-conversation');
  });

  it('enrols with the code alone, keeps the device id the gateway returns, and signs in as that device', async () => {
    const deviceId = newDeviceId('code-only');
    const code = await issueEnrolmentCode(trustA, deviceId);
    const core = await startCore(await newDesktopFiles());
    try {
      await core.enrol({ serverUrl: trustA.clientUrl, code });
      expect(selectSession(core.store.getState())).toMatchObject({
        serverUrl: trustA.clientUrl,
        enrolledDeviceId: deviceId,
      });
      await core.signIn({ kind: 'password', username: clinician.username, password: clinician.password });
      expect(selectSession(core.store.getState())).toMatchObject({
        status: 'ready',
        userId: clinician.userId,
        deviceId,
      });
      // The code worked once: a second desktop typing it is refused, as the core's enrolment refusal.
      const second = await startCore(await newDesktopFiles());
      try {
        await expect(second.enrol({ serverUrl: trustA.clientUrl, code })).rejects.toBeInstanceOf(
          EnrolmentRefusedError,
        );
      } finally {
        second.stop();
      }
    } finally {
      core.stop();
    }
  });

  it("searches the trust's staff directory as plain data, and names the partner trust from the directory", async () => {
    const code = await issueEnrolmentCode(trustA, newDeviceId('staff'));
    const core = await startCore(await newDesktopFiles());
    try {
      await core.enrol({ serverUrl: trustA.clientUrl, code });
      await expect(core.staff.search('cardiology')).rejects.toThrow('nobody is signed in');
      await core.signIn({ kind: 'password', username: clinician.username, password: clinician.password });
      const found = await core.staff.search('cardiology');
      expect(found).toContainEqual({
        userId: `@amelia.hart:${trustA.serverName}`,
        displayName: 'Dr Amelia Hart',
        role: 'Consultant Cardiologist',
        department: 'Cardiology',
      });
      expect(found.every((member) => member.userId.endsWith(`:${trustA.serverName}`))).toBe(true);
      expect(await core.staff.search('Ward Sister', { limit: 1 })).toEqual([
        {
          userId: `@grace.lindqvist:${trustA.serverName}`,
          displayName: 'Grace Lindqvist',
          role: 'Ward Sister',
          department: 'Ward 12 (Cardiology)',
        },
      ]);
      // Trust B's clinicians are found by their full address, never in trust A's directory.
      expect(await core.staff.search('mensah')).toEqual([]);

      expect(selectTrustPolicy(core.store.getState())).toMatchObject({
        partners: [trustB.serverName],
        partnerTrusts: [{ serverName: trustB.serverName, name: 'Southmere Teaching Hospitals NHS Trust' }],
      });
    } finally {
      core.stop();
    }
  });

  it('tells a search from a desktop that trust IT revoked as the core tells every other request', async () => {
    const deviceId = newDeviceId('revoked');
    const code = await issueEnrolmentCode(trustA, deviceId);
    const core = await startCore(await newDesktopFiles());
    try {
      await core.enrol({ serverUrl: trustA.clientUrl, code });
      await core.signIn({ kind: 'password', username: clinician.username, password: clinician.password });
      expect((await core.staff.search('hart')).length).toBeGreaterThan(0);
      const { store, pool } = enrolmentStoreOf(trustA);
      try {
        await store.revoke(deviceId);
      } finally {
        await pool.end();
      }
      // Refused by the gateway as not enrolled; or, if the session's own sync met the refusal first, the session has
      // ended (and its data was wiped) before the search was sent.
      const failure: unknown = await core.staff.search('hart').then(
        (found) => found,
        (error: unknown) => error,
      );
      if (!(failure instanceof DeviceNotEnrolledError)) {
        expect(failure).toEqual(new Error('nobody is signed in'));
        expect(selectSession(core.store.getState()).problem?.code).toBe('device-not-enrolled');
      }
    } finally {
      core.stop();
    }
  });
});
