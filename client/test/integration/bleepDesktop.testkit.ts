// A trust desktop running the Bleep client core headless, for the integration tests: its own passphrase-sealed
// secret file and archive directory, rust crypto in fake-indexeddb (kept for the life of the test process, so a "restart" is a new core
// over the same secret file and databases), and the steps trust IT takes (an account, an enrolment code) done the
// way deploy's integration tests do them.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser } from '@bleep/policy-module';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
import { eventually } from '../../../deploy/test/integration/clinicianClient.ts';
export { eventually };
import type { MessageArchive } from '../../core/archive/messageArchive.ts';
import { createArchiveCipher } from '../../core/archive/archiveCipher.ts';
import { openDesktopArchive } from '../../core/archive/openDesktopArchive.ts';
import { createBleepSession, type BleepSession } from '../../core/session/createBleepSession.ts';
import type { Platform } from '../../core/platform.ts';
import type { SecretName } from '../../core/secrets/secretStore.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectCryptoStatus } from '../../core/stores/selectors/sessionSelectors.ts';
import { createFileArchiveStorage } from '../../node/fileArchiveStorage.ts';
import { consoleLogger, createNodePlatform } from '../../node/nodePlatform.ts';
import { openPassphraseSecretStore } from '../../node/passphraseSecretStore.ts';

export type StaffAccount = Readonly<{ username: string; password: string; userId: string }>;

/** Trust IT creates a clinician's account (shared-secret registration at Synapse's internal listener). */
export async function createStaffAccount(trust: RunningTrust, role: string): Promise<StaffAccount> {
  const username = `${role}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  const registered = await registerUser({
    synapseUrl: trust.synapseUrl,
    sharedSecret: trust.registrationSharedSecret,
    username,
    password,
  });
  // The registration's own session is IT's, not a desktop's: it ends where it began.
  await fetch(`${trust.synapseUrl}/_matrix/client/v3/logout`, {
    method: 'POST',
    headers: { authorization: `Bearer ${registered.accessToken}` },
  });
  return { username, password, userId: registered.userId };
}

/** A device id for a new desktop, as trust IT would name it. */
export function newDeviceId(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`.toUpperCase();
}

export type DesktopFiles = Readonly<{
  /** The desktop's own directory: everything the core writes to disk is under it. */
  directory: string;
  secretsPath: string;
  archiveDirectory: string;
  passphrase: string;
}>;

/** Where a desktop keeps its secrets and its archive: in a fresh directory of its own. */
export async function newDesktopFiles(): Promise<DesktopFiles> {
  const directory = await mkdtemp(join(tmpdir(), 'bleep-desktop-'));
  return {
    directory,
    secretsPath: join(directory, 'secrets.json'),
    archiveDirectory: join(directory, 'archive'),
    passphrase: randomBytes(12).toString('hex'),
  };
}

export type PlatformOverrides = Partial<Pick<Platform, 'fetch' | 'cryptoStore' | 'clock'>>;

/** Starts the client core on a desktop (a new process, as far as the core can tell). */
export async function startCore(
  files: DesktopFiles,
  overrides: PlatformOverrides = {},
): Promise<BleepSession> {
  const secrets = await openPassphraseSecretStore({ path: files.secretsPath, passphrase: files.passphrase });
  // Errors only: the SDK warns about routine things (default push rules, key queries in flight) at every start.
  const logger = consoleLogger('bleep', 'error');
  // A short long-poll, so that a revocation is noticed within seconds rather than the default 30.
  return createBleepSession({
    platform: createNodePlatform({
      secrets,
      archiveDirectory: files.archiveDirectory,
      logger,
      ...overrides,
    }),
    pollTimeoutMs: 5_000,
  });
}

/** A desktop trust IT enrolled: its code issued in the enrolment store, redeemed by the core through the gateway. */
export async function enrolledCore(
  trust: RunningTrust,
  label: string,
  overrides: PlatformOverrides = {},
): Promise<Readonly<{ core: BleepSession; files: DesktopFiles; deviceId: string }>> {
  const files = await newDesktopFiles();
  const deviceId = newDeviceId(label);
  const code = await issueEnrolmentCode(trust, deviceId);
  const core = await startCore(files, overrides);
  await core.enrol({ serverUrl: trust.clientUrl, deviceId, code });
  return { core, files, deviceId };
}

/** A clinician signed in on an enrolled desktop, once their device shows as signed (partners share keys only then). */
export async function signedInDesktop(trust: RunningTrust, role: string, overrides: PlatformOverrides = {}) {
  const account = await createStaffAccount(trust, role);
  const desktop = await enrolledCore(trust, role.slice(0, 12), overrides);
  await desktop.core.signIn({ kind: 'password', username: account.username, password: account.password });
  await eventually(`${role}'s device to be signed`, () =>
    selectCryptoStatus(desktop.core.store.getState())?.crossSigning === 'signed' ? true : undefined,
  );
  return { ...desktop, account };
}

/** The desktop's secrets as kept on disk, opened with its passphrase (read only: this opens, never writes). */
export async function keptSecrets(files: DesktopFiles): Promise<Partial<Record<SecretName, Uint8Array>>> {
  const secrets = await openPassphraseSecretStore({ path: files.secretsPath, passphrase: files.passphrase });
  const names: SecretName[] = ['desktop-enrolment', 'session', 'crypto-storage-key', 'archive-key'];
  const kept: Partial<Record<SecretName, Uint8Array>> = {};
  for (const name of names) {
    const value = await secrets.read(name);
    if (value !== undefined) kept[name] = value;
  }
  return kept;
}

/**
 * The desktop's archive read from its files with its own key, as a restarted core would read it. Only for a desktop
 * whose archive key exists (this would make one otherwise).
 */
export async function archiveOnDisk(files: DesktopFiles): Promise<MessageArchive> {
  const secrets = await openPassphraseSecretStore({ path: files.secretsPath, passphrase: files.passphrase });
  if ((await secrets.read('archive-key')) === undefined) throw new Error('this desktop has no archive key');
  return openDesktopArchive({
    archive: createFileArchiveStorage(files.archiveDirectory),
    secrets,
    randomBytes: (length) => randomBytes(length),
    logger: consoleLogger('archive-on-disk', 'error'),
  });
}

/** Every file under the desktop's directory whose bytes contain `text` (in UTF-8), by path. */
export async function filesContaining(files: DesktopFiles, text: string): Promise<string[]> {
  const needle = Buffer.from(text, 'utf8');
  const found: string[] = [];
  const entries = await readdir(files.directory, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

/** How many files the desktop keeps under its directory. */
export async function fileCount(files: DesktopFiles): Promise<number> {
  const entries = await readdir(files.directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

/** Every archive file opened with the desktop's own archive key: what the files hold, in the clear. */
export async function openedArchiveFiles(files: DesktopFiles): Promise<string> {
  const key = (await keptSecrets(files))['archive-key'];
  if (key === undefined) throw new Error('this desktop has no archive key');
  const cipher = await createArchiveCipher(key, (length) => crypto.getRandomValues(new Uint8Array(length)));
  const opened: string[] = [];
  for (const name of await readdir(files.archiveDirectory)) {
    const sealed = await readFile(join(files.archiveDirectory, name));
    opened.push(new TextDecoder().decode(await cipher.open(name, sealed)));
  }
  return opened.join('\n');
}

/** An encrypted room `host` opens with `guest` invited; resolves once the guest has joined and the host has seen it. */
export async function sharedRoom(
  host: BleepSession,
  guest: BleepSession,
  guestUserId: string,
  name: string,
): Promise<string> {
  const roomId = await host.rooms.openRoom({ name, invite: [guestUserId] });
  await eventually('the invitation to arrive', () =>
    selectRoom(roomId)(guest.store.getState())?.membership === 'invite' ? true : undefined,
  );
  await guest.rooms.join(roomId);
  await eventually('the host to see the guest join', () =>
    selectRoom(roomId)(host.store.getState())?.joinedMembers === 2 ? true : undefined,
  );
  return roomId;
}
