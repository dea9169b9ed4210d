// A clinician's Matrix client for the integration tests: matrix-js-sdk with rust crypto (in memory, as a fresh
// device), logged in as a new account made through the trust's shared-secret registration.
import { randomBytes } from 'node:crypto';
import { ClientEvent, createClient, SyncState, type MatrixClient, type MatrixEvent } from 'matrix-js-sdk';
import type { Logger } from 'matrix-js-sdk/lib/logger.js';
import { registerUser } from '@bleep/policy-module';
import { enrolDesktop, passwordLogin, type EnrolledDesktop, type PasswordLogin } from './enrolledDesktop.ts';
import type { RunningTrust } from '../../local/src/stackStatus.ts';

// The SDK logs every sync and key query; the tests' output should show its warnings and errors only.
const quietLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (...msg: unknown[]) => {
    console.warn(...msg);
  },
  error: (...msg: unknown[]) => {
    console.error(...msg);
  },
  getChild: () => quietLogger,
};

export type Clinician = Readonly<{ client: MatrixClient; userId: string; stop: () => void }>;

/** A staff account's session at an enrolled desktop, without a Matrix client (for raw requests). */
export type StaffSession = Readonly<{
  userId: string;
  username: string;
  password: string;
  accessToken: string;
  deviceId: string;
  desktop: EnrolledDesktop;
}>;

/** Trust IT creates the account; the clinician then signs in with a password, as a person at a desktop would. */
export async function signInAtEnrolledDesktop(trust: RunningTrust, role: string): Promise<StaffSession> {
  const username = `${role}-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(16).toString('hex');
  const registered = await registerUser({
    synapseUrl: trust.synapseUrl,
    sharedSecret: trust.registrationSharedSecret,
    username,
    password,
  });
  // The registration's own session is IT's, not the clinician's device: it ends at Synapse's internal listener (the
  // gateway serves only sessions of enrolled desktops).
  await createClient({
    baseUrl: trust.synapseUrl,
    accessToken: registered.accessToken,
    logger: quietLogger,
  }).logout(true);
  // From a desktop trust IT enrolled: the gateway refuses any other.
  const desktop = await enrolDesktop(trust, role.slice(0, 20));
  const response = await passwordLogin(trust, username, password, desktop);
  if (!response.ok) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  const login = (await response.json()) as PasswordLogin;
  return {
    userId: login.user_id,
    username,
    password,
    accessToken: login.access_token,
    deviceId: login.device_id,
    desktop,
  };
}

/** A signed-in clinician with matrix-js-sdk and rust crypto, syncing. */
export async function signInNewClinician(trust: RunningTrust, role: string): Promise<Clinician> {
  return startClinicianClient(trust.clientUrl, await signInAtEnrolledDesktop(trust, role));
}

/** matrix-js-sdk with rust crypto (in memory) for a session a desktop signed in through the gateway, syncing. */
export async function startClinicianClient(
  clientUrl: string,
  login: Readonly<{ userId: string; accessToken: string; deviceId: string }>,
): Promise<Clinician> {
  const client = createClient({
    baseUrl: clientUrl,
    userId: login.userId,
    accessToken: login.accessToken,
    deviceId: login.deviceId,
    logger: quietLogger,
  });
  await client.initRustCrypto({ useIndexedDB: false });
  const synced = new Promise<void>((resolve) => {
    client.on(ClientEvent.Sync, (state) => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) resolve();
    });
  });
  await client.startClient({ initialSyncLimit: 10 });
  await synced;
  return {
    client,
    userId: login.userId,
    stop: () => {
      client.stopClient();
    },
  };
}

/** Polls until `check` returns a value; the SDK's state arrives by sync, so tests wait for it, bounded. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The decrypted text message with this body in the room, once it has arrived and been decrypted. */
export function findDecryptedText(
  client: MatrixClient,
  roomId: string,
  body: string,
): MatrixEvent | undefined {
  const events = client.getRoom(roomId)?.getLiveTimeline().getEvents() ?? [];
  return events.find((event) => event.getType() === 'm.room.message' && event.getContent().body === body);
}

export function membershipOf(client: MatrixClient, roomId: string, userId: string): string | undefined {
  return client.getRoom(roomId)?.getMember(userId)?.membership;
}

/** An encrypted room made by `host`, which `guest` (at a partner trust) joins over federation. */
export async function openReferralRoom(host: Clinician, guest: Clinician, name: string): Promise<string> {
  const { room_id: roomId } = await host.client.createRoom({
    name,
    invite: [guest.userId],
    initial_state: [
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
    ],
  });
  await eventually('the invite to reach the partner trust', () =>
    membershipOf(guest.client, roomId, guest.userId) === 'invite' ? true : undefined,
  );
  await guest.client.joinRoom(roomId);
  await eventually('the host trust to see the join', () =>
    membershipOf(host.client, roomId, guest.userId) === 'join' ? true : undefined,
  );
  return roomId;
}
