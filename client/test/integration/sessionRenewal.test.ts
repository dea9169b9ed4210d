// Needs the real local stack: trust-a (chroot Synapse behind the policy gateway, PostgreSQL). A clinician's session
// outlives its access tokens: the core renews them with its refresh token through the gateway and keeps syncing and
// sending, also after a restart. When the session itself expires (Synapse refuses the refresh), nothing is erased:
// the clinician signs in again on the same device and finds the archive, the crypto store (what was sent to them
// meanwhile decrypts) and the outbox (what they wrote meanwhile is sent, once). Judged by what Synapse's database
// holds and what is on the desktop's disk.
//
// How tokens are made to expire for real: the local homeserver gives access tokens 5 minutes. The desktop's fetch
// shortens each access token Synapse issues (at /login and /refresh) in Synapse's database (access_tokens.
// valid_until_ms) before the core sees it: Synapse caches a token only once it is used, so the expiry it reads is
// the shortened one, and it answers the token's next use with 401 M_UNKNOWN_TOKEN, soft_logout: true, as it will
// after 5 minutes in production. A session's end is made likewise: refresh_tokens.expiry_ts in the past, which
// Synapse reads from the database at every /refresh (its 403 "refresh token has expired").
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { cryptoDatabasePrefix } from '../../core/crypto/sessionCrypto.ts';
import { AnotherClinicianDataError, SessionExpiredError } from '../../core/errors/clientErrors.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../core/stores/selectors/timelineSelectors.ts';
import {
  archiveOnDisk,
  createStaffAccount,
  eventually,
  keptSecrets,
  signedInDesktop,
  startCore,
  type DesktopFiles,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';

let trustA: RunningTrust;

beforeAll(() => {
  trustA = trustNamed(inject('stack'), 'trust-a');
});

async function synapseQuery<Row extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<Row[]> {
  const client = new pg.Client({ connectionString: trustA.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * How long Synapse lets each access token live while `short` is on (the homeserver's own is 5 minutes), and what the
 * desktop heard: tokens issued, and expiries answered with and without soft_logout (the gateway passes Synapse's
 * soft_logout on when it answers a token itself, once its 60-second cache of Synapse's whoami answer has lapsed).
 */
type TokenClock = {
  short: boolean;
  lifeMs: number;
  issued: number;
  flaggedExpiries: number;
  unflaggedExpiries: number;
};

/** The desktop's fetch: each access token Synapse issues is shortened in its database before the core sees it. */
function shortLivedTokens(clock: TokenClock): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    if (response.status === 401) {
      const body = (await response.clone().json()) as { errcode?: unknown; soft_logout?: unknown };
      if (body.errcode === 'M_UNKNOWN_TOKEN') {
        if (body.soft_logout === true) clock.flaggedExpiries += 1;
        else clock.unflaggedExpiries += 1;
      }
    }
    if (clock.short && response.ok && /\/v3\/(login|refresh)$/.test(path)) {
      const body = (await response.clone().json()) as { access_token?: unknown };
      if (typeof body.access_token === 'string') {
        await synapseQuery('UPDATE access_tokens SET valid_until_ms = $1 WHERE token = $2', [
          Date.now() + clock.lifeMs,
          body.access_token,
        ]);
        clock.issued += 1;
      }
    }
    return response;
  };
}

type KeptSession = { accessToken?: string; refreshToken?: string; expired?: boolean; deviceId?: string };

async function keptSession(files: DesktopFiles): Promise<KeptSession | undefined> {
  const session = (await keptSecrets(files)).session;
  return session === undefined ? undefined : (JSON.parse(new TextDecoder().decode(session)) as KeptSession);
}

/** Synapse's own answer to a token, at its internal listener (the gateway does not pass soft_logout on). */
async function synapseWhoAmI(
  accessToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${trustA.synapseUrl}/_matrix/client/v3/account/whoami`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Encrypted events Synapse holds from this sender in this room. */
async function heldFrom(roomId: string, sender: string): Promise<number> {
  const rows = await synapseQuery<{ count: string }>(
    `SELECT count(*) AS count FROM events WHERE room_id = $1 AND sender = $2 AND type = 'm.room.encrypted'`,
    [roomId, sender],
  );
  return Number(rows[0]?.count);
}

function decryptedBodies(core: BleepSession, roomId: string): string[] {
  return selectMessages(roomId)(core.store.getState())
    .filter((item) => item.decryption === 'decrypted')
    .map((item) => item.body ?? '');
}

async function eventuallyAsync(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Whether the desktop's rust crypto store exists (fake-indexeddb, the IndexedDB of these tests). */
async function cryptoStoreExists(userId: string, deviceId: string): Promise<boolean> {
  const factory = (globalThis as unknown as { indexedDB: { databases(): Promise<{ name?: string }[]> } })
    .indexedDB;
  const prefix = cryptoDatabasePrefix(userId, deviceId);
  return (await factory.databases()).some((database) => database.name?.startsWith(prefix) === true);
}

/** Written through the delivery queue, which sends once rust crypto knows the room is encrypted. */
async function say(core: BleepSession, roomId: string, body: string): Promise<void> {
  await core.delivery.write(roomId, 'm.room.message', { msgtype: 'm.text', body });
}

type Desktop = { core: BleepSession; files: DesktopFiles; deviceId: string; account: StaffAccount };

/** A nurse on a desktop whose tokens live seconds, and a registrar she shares an encrypted room with. */
async function nurseAndRegistrar(clock: TokenClock, roomName: string) {
  const nurse: Desktop = await signedInDesktop(trustA, 'staff-nurse', { fetch: shortLivedTokens(clock) });
  const registrar: Desktop = await signedInDesktop(trustA, 'registrar');
  const roomId = await nurse.core.rooms.openRoom({ name: roomName, invite: [registrar.account.userId] });
  await eventually('the invitation to reach the registrar', () =>
    registrar.core.store.getState().rooms.byId[roomId] === undefined ? undefined : true,
  );
  await registrar.core.rooms.join(roomId);
  await eventually('the nurse to see the registrar join, encrypted', () => {
    const room = selectRoom(roomId)(nurse.core.store.getState());
    return room?.joinedMembers === 2 && room.encrypted ? true : undefined;
  });
  await eventually('the registrar to see the room encrypted', () =>
    selectRoom(roomId)(registrar.core.store.getState())?.encrypted === true ? true : undefined,
  );
  return { nurse, registrar, roomId };
}

describe('a session that outlives its access tokens', () => {
  const clock: TokenClock = {
    short: true,
    lifeMs: 6_000,
    issued: 0,
    flaggedExpiries: 0,
    unflaggedExpiries: 0,
  };
  let nurse: Desktop;
  let registrar: Desktop;
  let roomId: string;

  beforeAll(async () => {
    ({ nurse, registrar, roomId } = await nurseAndRegistrar(clock, 'Ward 9 handover'));
  });

  afterAll(() => {
    nurse.core.stop();
    registrar.core.stop();
  });

  it('renews its expired access token with the refresh token and keeps syncing and sending', async () => {
    const first = await keptSession(nurse.files);
    expect(first?.refreshToken).toMatch(/^syr_/);
    const firstToken = first?.accessToken ?? '';
    await eventuallyAsync('the core to renew its access token', async () => {
      const kept = await keptSession(nurse.files);
      return kept?.accessToken !== undefined && kept.accessToken !== firstToken;
    });
    // The first token really expired at Synapse, and the session went on without it.
    expect(await synapseWhoAmI(firstToken)).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN', soft_logout: true },
    });
    expect(selectSession(nurse.core.store.getState())).toMatchObject({ status: 'ready', problem: null });

    // Several renewals later (each token lives 6 s), she still sends, once, and still receives.
    const issuedBefore = clock.issued;
    await eventually(
      'two more renewals',
      () => (clock.issued >= issuedBefore + 2 ? true : undefined),
      90_000,
    );
    const sentBefore = await heldFrom(roomId, nurse.account.userId);
    await nurse.core.rooms.sendText(roomId, 'Obs stable, NEWS 1');
    await eventually('the registrar to read the nurse', () =>
      decryptedBodies(registrar.core, roomId).includes('Obs stable, NEWS 1') ? true : undefined,
    );
    await say(registrar.core, roomId, 'Thanks, will review at 4');
    await eventually('the nurse to read the registrar', () =>
      decryptedBodies(nurse.core, roomId).includes('Thanks, will review at 4') ? true : undefined,
    );
    expect(await heldFrom(roomId, nurse.account.userId)).toBe(sentBefore + 1);
    // What the desktop keeps is what Synapse knows now: the kept token works, and the kept refresh token is the
    // newest one Synapse issued for the device (no renewal was used without being kept).
    const kept = await keptSession(nurse.files);
    expect((await synapseWhoAmI(kept?.accessToken ?? '')).status).toBe(200);
    const newest = await synapseQuery<{ token: string }>(
      'SELECT token FROM refresh_tokens WHERE user_id = $1 AND device_id = $2 ORDER BY id DESC LIMIT 1',
      [nurse.account.userId, nurse.deviceId],
    );
    expect(newest[0]?.token).toBe(kept?.refreshToken);
  });

  it('resumes after a restart with the kept refresh token, once the kept access token has expired', async () => {
    nurse.core.stop();
    const kept = await keptSession(nurse.files);
    await eventuallyAsync('the kept access token to expire at Synapse', async () => {
      return (await synapseWhoAmI(kept?.accessToken ?? '')).status === 401;
    });
    nurse.core = await startCore(nurse.files, { fetch: shortLivedTokens(clock) });
    expect(await nurse.core.restore()).toBe('restored');
    expect(selectSession(nurse.core.store.getState())).toMatchObject({
      status: 'ready',
      deviceId: nurse.deviceId,
    });
    expect((await keptSession(nurse.files))?.refreshToken).not.toBe(kept?.refreshToken);
    await say(registrar.core, roomId, 'Back on the ward?');
    await eventually('the restarted nurse to read the registrar', () =>
      decryptedBodies(nurse.core, roomId).includes('Back on the ward?') ? true : undefined,
    );
  });
});

describe('a session that expires (soft logout)', () => {
  const clock: TokenClock = {
    short: true,
    lifeMs: 6_000,
    issued: 0,
    flaggedExpiries: 0,
    unflaggedExpiries: 0,
  };
  let nurse: Desktop;
  let registrar: Desktop;
  let roomId: string;

  beforeAll(async () => {
    ({ nurse, registrar, roomId } = await nurseAndRegistrar(clock, 'Ward 4 handover'));
  });

  afterAll(() => {
    nurse.core.stop();
    registrar.core.stop();
  });

  it('keeps everything for the same clinician, who signs in again on the same device and finds it all', async () => {
    await say(registrar.core, roomId, 'Bed 2 for discharge');
    await eventually('the nurse to read (and archive) it', () =>
      decryptedBodies(nurse.core, roomId).includes('Bed 2 for discharge') ? true : undefined,
    );
    const deviceKeys = async () =>
      synapseQuery<{ key_json: string }>(
        'SELECT key_json FROM e2e_device_keys_json WHERE user_id = $1 AND device_id = $2',
        [nurse.account.userId, nurse.deviceId],
      );
    const keysBefore = await deviceKeys();
    expect(keysBefore).toHaveLength(1);

    // From now on each access token is born expired. The gateway, which has never seen it, answers its first use
    // itself, as it does for a desktop that wakes after its token expired: 401 M_UNKNOWN_TOKEN with Synapse's
    // soft_logout passed on. (The core decides by the refused refresh, not by this flag, either way.)
    clock.lifeMs = -1_000;
    await eventually('the gateway to refuse a token as expired', () =>
      clock.flaggedExpiries > 0 ? true : undefined,
    );
    expect(clock.unflaggedExpiries).toBe(0);
    // The trust's session lifetime is over: Synapse refuses every refresh token of this device as expired (again
    // at each poll, in case a renewal under way made a new one).
    const ended = await (async () => {
      const deadline = Date.now() + 90_000;
      for (;;) {
        await synapseQuery('UPDATE refresh_tokens SET expiry_ts = $1 WHERE user_id = $2 AND device_id = $3', [
          Date.now() - 1_000,
          nurse.account.userId,
          nurse.deviceId,
        ]);
        const session = selectSession(nurse.core.store.getState());
        if (session.status === 'ended') return session;
        if (Date.now() > deadline) throw new Error('timed out waiting for the session to expire');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    expect(ended.problem?.code).toBe('session-expired');
    expect(ended.wipe).toBeNull();

    // Nothing was erased: the keys, the archive (readable), the crypto store, the enrolment; no token is kept.
    const secrets = await keptSecrets(nurse.files);
    expect(Object.keys(secrets).sort()).toEqual([
      'archive-key',
      'crypto-storage-key',
      'desktop-enrolment',
      'session',
    ]);
    const expired = await keptSession(nurse.files);
    expect(expired).toMatchObject({ expired: true, deviceId: nurse.deviceId });
    expect(expired?.accessToken).toBeUndefined();
    expect(expired?.refreshToken).toBeUndefined();
    const archived = await (await archiveOnDisk(nurse.files)).roomMessages(roomId);
    expect(archived.map((message) => message.body)).toContain('Bed 2 for discharge');
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(true);
    // Synapse kept the device and its keys.
    expect(await deviceKeys()).toEqual(keysBefore);

    // Meanwhile: the registrar writes to her, and she writes a reply, which waits in the outbox.
    const nurseSentBefore = await heldFrom(roomId, nurse.account.userId);
    await say(registrar.core, roomId, 'Bed 6 bloods back: K 5.9');
    const reply = await nurse.core.delivery.write(roomId, 'm.room.message', {
      msgtype: 'm.text',
      body: 'Repeating the K now',
    });
    expect(nurse.core.store.getState().delivery.messages[reply.txnId]?.status).toBe('queued');

    // The app restarts while the session is expired: the restore says so, and the reply is still queued.
    nurse.core.stop();
    nurse.core = await startCore(nurse.files, { fetch: shortLivedTokens(clock) });
    await expect(nurse.core.restore()).rejects.toBeInstanceOf(SessionExpiredError);
    expect(selectSession(nurse.core.store.getState()).problem?.code).toBe('session-expired');
    expect(nurse.core.store.getState().delivery.messages[reply.txnId]?.status).toBe('queued');

    // Somebody else cannot sign in over her data; nothing of hers is erased or shown by trying.
    const colleague = await createStaffAccount(trustA, 'bank-nurse');
    await expect(
      nurse.core.signIn({ kind: 'password', username: colleague.username, password: colleague.password }),
    ).rejects.toBeInstanceOf(AnotherClinicianDataError);
    expect(await keptSession(nurse.files)).toMatchObject({ expired: true });
    expect(await cryptoStoreExists(nurse.account.userId, nurse.deviceId)).toBe(true);
    expect(await heldFrom(roomId, colleague.userId)).toBe(0);

    // She signs in again: the same device, the same keys at Synapse.
    clock.short = false;
    await nurse.core.signIn({
      kind: 'password',
      username: nurse.account.username,
      password: nurse.account.password,
    });
    expect(selectSession(nurse.core.store.getState())).toMatchObject({
      status: 'ready',
      deviceId: nurse.deviceId,
      problem: null,
    });
    expect(await deviceKeys()).toEqual(keysBefore);
    const devices = await synapseQuery<{ device_id: string }>(
      'SELECT device_id FROM devices WHERE user_id = $1 AND NOT hidden',
      [nurse.account.userId],
    );
    expect(devices.map((device) => device.device_id)).toEqual([nurse.deviceId]);

    // What the registrar wrote while she was out decrypts; her archive from before is shown.
    await eventually('the message sent during the expiry to decrypt', () =>
      decryptedBodies(nurse.core, roomId).includes('Bed 6 bloods back: K 5.9') ? true : undefined,
    );
    expect(decryptedBodies(nurse.core, roomId)).toContain('Bed 2 for discharge');
    // Her reply is sent, once.
    await eventually('the registrar to read the reply', () =>
      decryptedBodies(registrar.core, roomId).includes('Repeating the K now') ? true : undefined,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await heldFrom(roomId, nurse.account.userId)).toBe(nurseSentBefore + 1);
    expect(
      decryptedBodies(registrar.core, roomId).filter((body) => body === 'Repeating the K now'),
    ).toHaveLength(1);
    expect(nurse.core.store.getState().delivery.messages[reply.txnId]?.status).toMatch(/^(sent|delivered)$/);
  });
});
