// A trust desktop running the Bleep client core headless, for the integration tests: its own passphrase-sealed
// secret file, rust crypto in fake-indexeddb (kept for the life of the test process, so a "restart" is a new core
// over the same secret file and databases), and the steps trust IT takes (an account, an enrolment code) done the
// way deploy's integration tests do them.
import 'fake-indexeddb/auto';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser } from '@bleep/policy-module';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { issueEnrolmentCode } from '../../../deploy/test/integration/enrolledDesktop.ts';
export { eventually } from '../../../deploy/test/integration/clinicianClient.ts';
import { createBleepSession, type BleepSession } from '../../core/session/createBleepSession.ts';
import type { Platform } from '../../core/platform.ts';
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

export type DesktopFiles = Readonly<{ secretsPath: string; passphrase: string }>;

/** Where a desktop keeps its secrets: one file per desktop, in a fresh directory. */
export async function newDesktopFiles(): Promise<DesktopFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'bleep-desktop-'));
  return { secretsPath: join(dir, 'secrets.json'), passphrase: randomBytes(12).toString('hex') };
}

/** Starts the client core on a desktop (a new process, as far as the core can tell). */
export async function startCore(
  files: DesktopFiles,
  overrides: Partial<Pick<Platform, 'fetch' | 'cryptoStore'>> = {},
): Promise<BleepSession> {
  const secrets = await openPassphraseSecretStore({ path: files.secretsPath, passphrase: files.passphrase });
  // Errors only: the SDK warns about routine things (default push rules, key queries in flight) at every start.
  const logger = consoleLogger('bleep', 'error');
  // A short long-poll, so that a revocation is noticed within seconds rather than the default 30.
  return createBleepSession({
    platform: createNodePlatform({ secrets, logger, ...overrides }),
    pollTimeoutMs: 5_000,
  });
}

/** A desktop trust IT enrolled: its code issued in the enrolment store, redeemed by the core through the gateway. */
export async function enrolledCore(
  trust: RunningTrust,
  label: string,
): Promise<Readonly<{ core: BleepSession; files: DesktopFiles; deviceId: string }>> {
  const files = await newDesktopFiles();
  const deviceId = newDeviceId(label);
  const code = await issueEnrolmentCode(trust, deviceId);
  const core = await startCore(files);
  await core.enrol({ serverUrl: trust.clientUrl, deviceId, code });
  return { core, files, deviceId };
}
