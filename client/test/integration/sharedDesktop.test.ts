// Needs the real local stack: trust-a (chroot Synapse behind its policy gateway, PostgreSQL). One enrolled ward
// desktop, one profile (one shared OS login), two nurses. Each signs in with their password and a PIN; switching
// locks the previous nurse; each nurse's session, archive and crypto store are sealed under their own PIN, so the
// other's PIN opens nothing of theirs, and one nurse's archive cannot be read with the other's keys. Judged by what is
// on the profile's disk and what each nurse's store shows.
import { cp, mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { openDesktopArchive } from '../../core/archive/openDesktopArchive.ts';
import { createSharedDesktop, type SharedDesktop } from '../../core/desktop/sharedDesktop.ts';
import { SecretStoreLockedError, WeakPinError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectCryptoStatus, selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import { createFileArchiveStorage } from '../../node/fileArchiveStorage.ts';
import { clinicianDirectory, nodeClinicianStores } from '../../node/nodeClinicianStores.ts';
import { consoleLogger, createNodePlatform } from '../../node/nodePlatform.ts';
import { openPassphraseSecretStore } from '../../node/passphraseSecretStore.ts';
import {
  createStaffAccount,
  eventually,
  newDeviceId,
  sharedRoom,
  signedInDesktop,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';

const pinA = '731905';
const pinB = '246810';

/** Every file under a directory whose bytes hold `text` (UTF-8). */
async function filesHolding(directory: string, text: string): Promise<string[]> {
  const needle = Buffer.from(text, 'utf8');
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

async function signedAndReady(session: BleepSession, who: string): Promise<void> {
  await eventually(`${who}'s device to be signed`, () =>
    selectCryptoStatus(session.store.getState())?.crossSigning === 'signed' ? true : undefined,
  );
}

/** A colleague at another desktop opens a room with `nurse` and writes `body`; resolves once the nurse reads it. */
async function note(
  colleague: BleepSession,
  nurse: BleepSession,
  nurseUserId: string,
  body: string,
): Promise<string> {
  const roomId = await sharedRoom(colleague, nurse, nurseUserId, 'Ward 7');
  const eventId = await colleague.rooms.sendText(roomId, body);
  await eventually('the note to decrypt for the nurse', () =>
    selectMessages(roomId)(nurse.store.getState()).find(
      (item) => item.id === eventId && item.decryption === 'decrypted' && item.body === body,
    ),
  );
  return roomId;
}

describe('two nurses on one shared ward desktop', () => {
  let trust: RunningTrust;
  let profile: string;
  let shared: SharedDesktop;
  let nurseA: StaffAccount;
  let nurseB: StaffAccount;
  let colleague: BleepSession;
  const forA = `Bed 3 for A only ${randomBytes(3).toString('hex')}`;
  const forB = `Bed 5 for B only ${randomBytes(3).toString('hex')}`;
  let roomOfA = '';

  beforeAll(async () => {
    trust = trustNamed(inject('stack'), 'trust-a');
    profile = await mkdtemp(join(tmpdir(), 'bleep-ward-desktop-'));
    // The desktop's own secrets (its enrolment): the machine's protection, here a passphrase nobody types.
    const desktopSecrets = await openPassphraseSecretStore({
      path: join(profile, 'desktop-secrets.json'),
      passphrase: randomBytes(12).toString('hex'),
    });
    shared = createSharedDesktop({
      desktop: createNodePlatform({
        secrets: desktopSecrets,
        archiveDirectory: join(profile, 'no-archive'),
        logger: consoleLogger('ward-desktop', 'error'),
      }),
      openClinician: nodeClinicianStores(profile),
      session: { pollTimeoutMs: 5_000 },
    });
    const deviceId = newDeviceId('ward7-pc');
    await shared.enrol({
      serverUrl: trust.clientUrl,
      deviceId,
      code: await issueEnrolmentCode(trust, deviceId),
    });
    nurseA = await createStaffAccount(trust, 'ward-nurse-a');
    nurseB = await createStaffAccount(trust, 'ward-nurse-b');
    colleague = (await signedInDesktop(trust, 'ward-registrar')).core;
  });

  afterAll(() => {
    shared.lock();
    colleague.stop();
  });

  it('refuses a PIN too short to keep a nurse’s data theirs, opening nothing', async () => {
    await expect(shared.signIn(nurseA.username, nurseA.password, '1234')).rejects.toBeInstanceOf(
      WeakPinError,
    );
    expect(shared.current).toBeUndefined();
  });

  it('keeps each nurse to their own messages, and switching locks the one before', async () => {
    const sessionA = await shared.signIn(nurseA.username, nurseA.password, pinA);
    await signedAndReady(sessionA, 'nurse A');
    roomOfA = await note(colleague, sessionA, nurseA.userId, forA);

    const sessionB = await shared.signIn(nurseB.username, nurseB.password, pinB);
    // Nurse A is locked: her session stopped before nurse B's stores opened.
    expect(selectSession(sessionA.store.getState()).sync).toBe('stopped');
    expect(shared.current?.clinician).toBe(nurseB.username.toLowerCase());
    await signedAndReady(sessionB, 'nurse B');
    await note(colleague, sessionB, nurseB.userId, forB);
    expect(selectRoom(roomOfA)(sessionB.store.getState())).toBeUndefined();
    expect(selectMessages(roomOfA)(sessionB.store.getState())).toEqual([]);
  });

  it("does not open nurse A's data with nurse B's PIN, and nurse B's keys read none of nurse A's archive", async () => {
    await expect(shared.unlock(nurseA.username, pinB)).rejects.toBeInstanceOf(SecretStoreLockedError);
    // The attempt locked nurse B first, and opened nobody.
    expect(shared.current).toBeUndefined();
    await expect(nodeClinicianStores(profile)(nurseA.username.toLowerCase(), pinB)).rejects.toBeInstanceOf(
      SecretStoreLockedError,
    );

    const directoryA = clinicianDirectory(profile, nurseA.username.toLowerCase());
    const directoryB = clinicianDirectory(profile, nurseB.username.toLowerCase());
    // Nothing of either note is on the profile's disk in the clear.
    expect(await filesHolding(profile, forA)).toEqual([]);
    expect(await filesHolding(profile, forB)).toEqual([]);
    // Nurse A's archive (a copy: records that do not open are deleted when met), read with nurse B's keys: nothing.
    const copyOfA = await mkdtemp(join(tmpdir(), 'bleep-archive-copy-'));
    await cp(join(directoryA, 'archive'), copyOfA, { recursive: true });
    const storesB = await nodeClinicianStores(profile)(nurseB.username.toLowerCase(), pinB);
    const readWithB = await openDesktopArchive({
      archive: createFileArchiveStorage(copyOfA),
      secrets: storesB.secrets,
      randomBytes: (length) => randomBytes(length),
      logger: consoleLogger('archive-with-b', 'error'),
    });
    expect(await readWithB.allRecords()).toEqual([]);
    // The control: nurse A's own keys read her note from the same files.
    const storesA = await nodeClinicianStores(profile)(nurseA.username.toLowerCase(), pinA);
    const readWithA = await openDesktopArchive({
      archive: createFileArchiveStorage(join(directoryA, 'archive')),
      secrets: storesA.secrets,
      randomBytes: (length) => randomBytes(length),
      logger: consoleLogger('archive-with-a', 'error'),
    });
    expect(JSON.stringify(await readWithA.allRecords())).toContain(forA);
    expect(directoryA).not.toBe(directoryB);
  });

  it('gives nurse A her session back with her PIN, her note and none of nurse B’s', async () => {
    const sessionA = await shared.unlock(nurseA.username, pinA);
    expect(selectSession(sessionA.store.getState())).toMatchObject({
      status: 'ready',
      userId: nurseA.userId,
    });
    await eventually("nurse A's note after the switch back", () =>
      selectMessages(roomOfA)(sessionA.store.getState()).find((item) => item.body === forA),
    );
    const everything = JSON.stringify(sessionA.store.getState().timeline);
    expect(everything).not.toContain(forB);
  });
});
