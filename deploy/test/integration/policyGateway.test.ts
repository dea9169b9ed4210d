// Needs the real local stack: trust-a, trust-b and the outsider, each Synapse behind its policy gateway. Every
// policy rule is proved refused through the real gateway, with the allowed request beside it as a control.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { registerUser } from '@bleep/policy-module';
import { signInNewClinician, type Clinician } from './clinicianClient.ts';
import { enrolDesktop, issueEnrolmentCode, passwordLogin, redeemEnrolmentCode } from './enrolledDesktop.ts';
import { stackCommand } from './stackCli.ts';
import { trustNamed } from './stackInfo.ts';

const stack = inject('stack');
const trustA = trustNamed(stack, 'trust-a');
const trustB = trustNamed(stack, 'trust-b');
const outsider = trustNamed(stack, 'outsider');
// A valid NHS number (Modulus 11), the kind used in NHS test data.
const nhsNumber = '943 476 5919';

type MatrixAnswer = { status: number; body: Record<string, unknown> };

async function call(token: string, method: string, path: string, body?: unknown): Promise<MatrixAnswer> {
  const response = await fetch(`${trustA.clientUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function newStaffAccount(): Promise<{ username: string; password: string }> {
  const username = `staff-${randomBytes(4).toString('hex')}`;
  const password = randomBytes(12).toString('hex');
  await registerUser({
    synapseUrl: trustA.synapseUrl,
    sharedSecret: trustA.registrationSharedSecret,
    username,
    password,
  });
  return { username, password };
}

describe('policy gateway: the policy, served to clients', () => {
  it('tells a client its limits, read-only, with the partners the signed directory vouches for', async () => {
    const response = await fetch(`${trustA.clientUrl}/_bleep/policy`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      trust: { serverName: trustA.serverName },
      partners: [trustB.serverName],
      // Named as the local directory authority signed it (from trust B's policy).
      partnerTrusts: [{ serverName: trustB.serverName, name: 'Southmere Teaching Hospitals NHS Trust' }],
      retention: { clientDays: 90, serverHours: 72 },
      notificationContent: 'none',
      keyBackupAllowed: false,
    });
    expect((await fetch(`${trustA.clientUrl}/_bleep/policy`, { method: 'PUT', body: '{}' })).status).not.toBe(
      200,
    );
  });
});

describe('policy gateway: only enrolled desktops log in', () => {
  it('refuses a login that names no device, an unknown device, or a wrong credential; accepts an enrolled one', async () => {
    const { username, password } = await newStaffAccount();
    const noDevice = await passwordLogin(trustA, username, password, {});
    expect(noDevice.status).toBe(403);
    expect(await noDevice.json()).toMatchObject({
      errcode: 'M_FORBIDDEN',
      'uk.nhs.bleep.rule': 'device-enrolment',
    });

    const personalLaptop = await passwordLogin(trustA, username, password, {
      deviceId: 'MY-LAPTOP',
      credential: 'guess',
    });
    expect(personalLaptop.status).toBe(403);

    const desktop = await enrolDesktop(trustA, 'ward12-pc');
    const wrong = await passwordLogin(trustA, username, password, {
      deviceId: desktop.deviceId,
      credential: 'x'.repeat(43),
    });
    expect(wrong.status).toBe(403);

    const enrolled = await passwordLogin(trustA, username, password, desktop);
    expect(enrolled.status).toBe(200);
    expect(await enrolled.json()).toMatchObject({ device_id: desktop.deviceId });
  });

  it('accepts an enrolment code once only', async () => {
    const deviceId = `ONCE-${randomBytes(3).toString('hex')}`.toUpperCase();
    const code = await issueEnrolmentCode(trustA, deviceId);
    expect((await redeemEnrolmentCode(trustA, deviceId, code)).status).toBe(200);
    const again = await redeemEnrolmentCode(trustA, deviceId, code);
    expect(again.status).toBe(403);
  });

  it('signs a revoked desktop out at once', async () => {
    const { username, password } = await newStaffAccount();
    const desktop = await enrolDesktop(trustA, 'revoked-pc');
    const login = (await (await passwordLogin(trustA, username, password, desktop)).json()) as {
      access_token: string;
    };
    expect((await call(login.access_token, 'GET', '/_matrix/client/v3/account/whoami')).status).toBe(200);

    await stackCommand(['policy', 'trust-a', 'revoke-device', '--device-id', desktop.deviceId]);

    const after = await call(login.access_token, 'GET', '/_matrix/client/v3/account/whoami');
    expect(after.status).toBe(401);
    expect((await passwordLogin(trustA, username, password, desktop)).status).toBe(403);
  });
});

describe('policy gateway: rules on a signed-in clinician', () => {
  let clinician: Clinician;
  let token: string;

  beforeAll(async () => {
    clinician = await signInNewClinician(trustA, 'gateway-doctor');
    token = clinician.client.getAccessToken() ?? '';
  });

  afterAll(() => {
    clinician.stop();
  });

  it('keeps keys off the server: no key backup, no secret storage, no secret requests', async () => {
    // Making a backup is not a route the gateway has, under any spelling Synapse would route.
    for (const path of [
      '/_matrix/client/v3/room_keys/version',
      '/_matrix/client/unstable/room%5Fkeys/version',
      '/_matrix/client/r0/room_keys/version',
    ]) {
      const create = await call(token, 'POST', path, {
        algorithm: 'm.megolm_backup.v1.curve25519-aes-sha2',
        auth_data: {},
      });
      expect(create.body, path).toMatchObject({
        errcode: 'M_UNRECOGNIZED',
        'uk.nhs.bleep.rule': 'default-deny',
      });
    }
    // The lookup is answered "no backup" by the rule, so clients run without one...
    expect(await call(token, 'GET', '/_matrix/client/v3/room_keys/version')).toMatchObject({
      status: 404,
      body: { errcode: 'M_NOT_FOUND', 'uk.nhs.bleep.rule': 'no-key-copies' },
    });
    // ...and Synapse itself holds none.
    const held = await fetch(`${trustA.synapseUrl}/_matrix/client/v3/room_keys/version`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await held.json()).toMatchObject({ errcode: 'M_NOT_FOUND' });
    const userPath = `/_matrix/client/v3/user/${encodeURIComponent(clinician.userId)}`;
    expect(
      await call(token, 'PUT', `${userPath}/account_data/m.secret_storage.default_key`, { key: 'k' }),
    ).toMatchObject({
      status: 403,
      body: { 'uk.nhs.bleep.rule': 'no-key-copies' },
    });
    expect((await call(token, 'PUT', `${userPath}/account_data/m.direct`, {})).status).toBe(200);
    const secretRequest = await call(token, 'PUT', '/_matrix/client/v3/sendToDevice/m.secret.request/t1', {
      messages: {},
    });
    expect(secretRequest).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'no-key-copies' } });
    // matrix-js-sdk itself finds no backup to turn on.
    expect(await clinician.client.getCrypto()?.checkKeyBackupAndEnable()).toBeNull();
  });

  it('makes a room private and encrypted even when the client asks for a public one', async () => {
    const created = await call(token, 'POST', '/_matrix/client/v3/createRoom', {
      name: 'Cardiology huddle',
      preset: 'public_chat',
      visibility: 'public',
    });
    expect(created.status).toBe(200);
    const roomPath = `/_matrix/client/v3/rooms/${encodeURIComponent(String(created.body.room_id))}`;
    expect((await call(token, 'GET', `${roomPath}/state/m.room.join_rules/`)).body).toEqual({
      join_rule: 'invite',
    });
    expect((await call(token, 'GET', `${roomPath}/state/m.room.encryption/`)).body).toMatchObject({
      algorithm: 'm.megolm.v1.aes-sha2',
    });

    const plaintext = await call(token, 'PUT', `${roomPath}/send/m.room.message/p1`, {
      msgtype: 'm.text',
      body: 'unencrypted',
    });
    expect(plaintext).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'e2ee-only' } });
    // A buggy client's plaintext under the encrypted type is not ciphertext, and is refused too.
    const mislabelled = await call(token, 'PUT', `${roomPath}/send/m.room.encrypted/p2`, {
      algorithm: 'm.megolm.v1.aes-sha2',
      ciphertext: 'unencrypted',
      session_id: 'x',
    });
    expect(mislabelled).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'e2ee-only' } });
    for (const joinRule of ['public', 'knock', 'restricted', 'knock_restricted']) {
      const opened = await call(token, 'PUT', `${roomPath}/state/m.room.join_rules`, { join_rule: joinRule });
      expect(opened, joinRule).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'room-shape' } });
    }
    expect(
      await call(token, 'PUT', `${roomPath}/state/m.room.guest_access`, { guest_access: 'can_join' }),
    ).toMatchObject({
      status: 403,
      body: { 'uk.nhs.bleep.rule': 'room-shape' },
    });
    expect(
      await call(
        token,
        'PUT',
        `/_matrix/client/v3/directory/list/room/${encodeURIComponent(String(created.body.room_id))}`,
        {
          visibility: 'public',
        },
      ),
    ).toMatchObject({ status: 404, body: { 'uk.nhs.bleep.rule': 'default-deny' } });
    // What Synapse holds: still invite-only, no guests, not in the public directory.
    const inSynapse = (path: string) =>
      fetch(`${trustA.synapseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } }).then(
        (response) => response.json() as Promise<Record<string, unknown>>,
      );
    expect(await inSynapse(`${roomPath}/state/m.room.join_rules/`)).toEqual({ join_rule: 'invite' });
    expect(await inSynapse(`${roomPath}/state/m.room.guest_access/`)).toEqual({ guest_access: 'forbidden' });
    // Every room tells any Matrix client in it the trust's client limit (trust-a's policy: 90 days)...
    const ninetyDaysMs = 90 * 24 * 60 * 60 * 1000;
    expect(await inSynapse(`${roomPath}/state/m.room.retention/`)).toEqual({ max_lifetime: ninetyDaysMs });
    // ...which no member can lengthen or take away.
    for (const content of [{ max_lifetime: ninetyDaysMs * 10 }, {}]) {
      expect(
        await call(token, 'PUT', `${roomPath}/state/m.room.retention`, content),
        JSON.stringify(content),
      ).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'room-shape' } });
    }
    expect(await inSynapse(`${roomPath}/state/m.room.retention/`)).toEqual({ max_lifetime: ninetyDaysMs });
    expect(
      await inSynapse(
        `/_matrix/client/v3/directory/list/room/${encodeURIComponent(String(created.body.room_id))}`,
      ),
    ).toEqual({ visibility: 'private' });
    // A reaction is on the policy's plaintext list.
    const topic = await call(token, 'PUT', `${roomPath}/state/m.room.topic`, { topic: 'Cardiology' });
    const annotation = { rel_type: 'm.annotation', event_id: topic.body.event_id, key: '👍' };
    expect(
      (await call(token, 'PUT', `${roomPath}/send/m.reaction/r1`, { 'm.relates_to': annotation })).status,
    ).toBe(200);
    // ...with no free text beside the key.
    expect(
      await call(token, 'PUT', `${roomPath}/send/m.reaction/r2`, {
        'm.relates_to': annotation,
        body: 'unencrypted',
      }),
    ).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'plaintext-shapes' } });

    // Device-to-device messages wait on the server until delivered: a plaintext one is refused.
    const toDevice = (type: string) =>
      call(token, 'PUT', `/_matrix/client/v3/sendToDevice/${type}/d-${randomBytes(4).toString('hex')}`, {
        messages: { [clinician.userId]: { '*': { body: 'unencrypted' } } },
      });
    expect(await toDevice('m.room.message')).toMatchObject({
      status: 403,
      body: { 'uk.nhs.bleep.rule': 'e2ee-only' },
    });
    expect((await toDevice('m.key.verification.request')).status).toBe(200);
    // Room state is plaintext for every server: a custom type could carry anything, so it is refused.
    expect(
      await call(token, 'PUT', `${roomPath}/state/com.example.notes/`, { text: 'unencrypted' }),
    ).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'room-shape' } });
  });

  it('refuses guest accounts: registration is not a route the gateway has', async () => {
    for (const path of [
      '/_matrix/client/v3/register?kind=guest',
      '/_matrix/client/r0/register?kind=guest',
      '/_matrix/client/api/v1/register',
    ]) {
      const response = await fetch(`${trustA.clientUrl}${path}`, { method: 'POST', body: '{}' });
      const body = (await response.json()) as Record<string, unknown>;
      expect(body, path).toMatchObject({ errcode: 'M_UNRECOGNIZED', 'uk.nhs.bleep.rule': 'default-deny' });
      expect(body.access_token, path).toBeUndefined();
    }
  });

  it('refuses an invitation to someone outside the federation, naming why', async () => {
    const created = await call(token, 'POST', '/_matrix/client/v3/createRoom', { name: 'Referrals' });
    const roomPath = `/_matrix/client/v3/rooms/${encodeURIComponent(String(created.body.room_id))}`;
    const stranger = await call(token, 'POST', `${roomPath}/invite`, {
      user_id: `@someone:${outsider.serverName}`,
    });
    expect(stranger).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'invite-scope' } });
    expect(String(stranger.body.error)).toContain('not at this trust or at a partner trust');
    const partner = await registerUser({
      synapseUrl: trustB.synapseUrl,
      sharedSecret: trustB.registrationSharedSecret,
      username: `partner-${randomBytes(3).toString('hex')}`,
      password: randomBytes(12).toString('hex'),
    });
    expect((await call(token, 'POST', `${roomPath}/invite`, { user_id: partner.userId })).status).toBe(200);
  });

  it('refuses NHS numbers in room names, topics and display names', async () => {
    const named = await call(token, 'POST', '/_matrix/client/v3/createRoom', { name: `Bed 4 ${nhsNumber}` });
    expect(named).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'no-patient-identifiers' } });
    expect(String(named.body.error)).not.toContain(nhsNumber);
    const created = await call(token, 'POST', '/_matrix/client/v3/createRoom', { name: 'Bed 4' });
    const roomPath = `/_matrix/client/v3/rooms/${encodeURIComponent(String(created.body.room_id))}`;
    expect(
      (await call(token, 'PUT', `${roomPath}/state/m.room.topic`, { topic: `re 9434765919` })).status,
    ).toBe(403);
    expect(
      (await call(token, 'PUT', `${roomPath}/state/m.room.topic`, { topic: 'Discharge planning' })).status,
    ).toBe(200);
    const profilePath = `/_matrix/client/v3/profile/${encodeURIComponent(clinician.userId)}/displayname`;
    expect((await call(token, 'PUT', profilePath, { displayname: `Dr X ${nhsNumber}` })).status).toBe(403);
    // Reasons and statuses are plaintext too.
    const presencePath = `/_matrix/client/v3/presence/${encodeURIComponent(clinician.userId)}/status`;
    expect(
      (await call(token, 'PUT', presencePath, { presence: 'online', status_msg: `with ${nhsNumber}` }))
        .status,
    ).toBe(403);
    expect(
      (await call(token, 'PUT', presencePath, { presence: 'online', status_msg: 'On call, ward 12' })).status,
    ).toBe(200);
    expect(
      (await call(token, 'POST', `${roomPath}/leave`, { reason: `discharged ${nhsNumber}` })).status,
    ).toBe(403);
    expect((await call(token, 'POST', `${roomPath}/leave`, { reason: 'handed over' })).status).toBe(200);
  });

  it("takes room names and topics as matrix-js-sdk writes them (the spec's m.topic renderings)", async () => {
    const { room_id: roomId } = await clinician.client.createRoom({ name: 'Ward 12 handover' });
    await clinician.client.setRoomTopic(roomId, 'Discharge planning', '<b>Discharge</b> planning');
    await clinician.client.setRoomName(roomId, 'Ward 12');
    const held = await fetch(
      `${trustA.synapseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/state/m.room.topic/`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(await held.json()).toMatchObject({ topic: 'Discharge planning' });
  });

  it('lets push notices leave the trust only for its listed push gateway, without content; refuses email notices', async () => {
    const pusher = {
      kind: 'http',
      app_id: 'uk.nhs.bleep.test',
      app_display_name: 'Bleep',
      device_display_name: 'Ward 12 PC',
      pushkey: `push-${randomBytes(4).toString('hex')}`,
      lang: 'en-GB',
      data: { url: 'https://push.example.nhs.uk/_matrix/push/v1/notify', format: 'full' },
    };
    expect((await call(token, 'POST', '/_matrix/client/v3/pushers/set', pusher)).status).toBe(200);
    const listed = await call(token, 'GET', '/_matrix/client/v3/pushers');
    const pushers = listed.body.pushers as { pushkey: string; data: { format?: string } }[];
    expect(pushers.map((entry) => [entry.pushkey, entry.data.format])).toEqual([
      [pusher.pushkey, 'event_id_only'],
    ]);
    const email = await call(token, 'POST', '/_matrix/client/v3/pushers/set', {
      ...pusher,
      kind: 'email',
      app_id: 'm.email',
      pushkey: 'dr.x@example.com',
    });
    expect(email).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'content-free-push' } });
    // A push gateway trust-a's policy does not list (its listed one above is the allowed control).
    const unlisted = await call(token, 'POST', '/_matrix/client/v3/pushers/set', {
      ...pusher,
      pushkey: `push-${randomBytes(4).toString('hex')}`,
      data: { url: 'https://push.vendor.example/_matrix/push/v1/notify' },
    });
    expect(unlisted).toMatchObject({ status: 403, body: { 'uk.nhs.bleep.rule': 'content-free-push' } });
    const after = await call(token, 'GET', '/_matrix/client/v3/pushers');
    expect((after.body.pushers as { pushkey: string }[]).map((entry) => entry.pushkey)).toEqual([
      pusher.pushkey,
    ]);
  });

  it('keeps the admin API off the public side', async () => {
    for (const path of [
      '/_synapse/admin/v2/users',
      '/_synapse/admin/v1/server_version',
      '/_matrix/client/v3/admin/whois/%40a%3Ax',
    ]) {
      expect(await call(token, 'GET', path), path).toMatchObject({
        status: 404,
        body: { 'uk.nhs.bleep.rule': 'default-deny' },
      });
    }
  });

  it('streams media up and down unchanged', async () => {
    const bytes = randomBytes(256 * 1024);
    const upload = await fetch(`${trustA.clientUrl}/_matrix/media/v3/upload?filename=ecg.bin`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(upload.status).toBe(200);
    const { content_uri: uri } = (await upload.json()) as { content_uri: string };
    const [server, mediaId] = uri.replace('mxc://', '').split('/');
    const download = await fetch(
      `${trustA.clientUrl}/_matrix/client/v1/media/download/${server ?? ''}/${mediaId ?? ''}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('writes every refusal to the audit trail, which verifies and exports for an IG officer', async () => {
    // The refusals read back below, made here rather than left by the tests above (the gateway audits a refusal
    // before it answers).
    expect((await call(token, 'GET', '/_matrix/client/v3/room_keys/version')).status).toBe(404);
    expect((await call(token, 'GET', '/_matrix/client/v3/no/such/endpoint')).status).toBe(404);
    const named = await call(token, 'POST', '/_matrix/client/v3/createRoom', { name: `Bed 4 ${nhsNumber}` });
    expect(named.status).toBe(403);
    const created = await call(token, 'POST', '/_matrix/client/v3/createRoom', { name: 'Audit check' });
    const roomPath = `/_matrix/client/v3/rooms/${encodeURIComponent(String(created.body.room_id))}`;
    const plaintext = { msgtype: 'm.text', body: 'unencrypted' };
    expect((await call(token, 'PUT', `${roomPath}/send/m.room.message/a1`, plaintext)).status).toBe(403);
    const stranger = { user_id: `@someone:${outsider.serverName}` };
    expect((await call(token, 'POST', `${roomPath}/invite`, stranger)).status).toBe(403);

    expect(await stackCommand(['policy', 'trust-a', 'audit', 'verify'])).toMatch(/Audit trail intact/);
    const exported = await stackCommand([
      'policy',
      'trust-a',
      'audit',
      'export',
      '--format',
      'json',
      '--user',
      clinician.userId,
    ]);
    const rows = JSON.parse(exported) as { action: string; result: string }[];
    const actions = rows.map((row) => row.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'refuse:keyBackupVersion',
        'refuse:sendEvent',
        'refuse:invite',
        'refuse:createRoom',
        'refuse:unrecognised',
      ]),
    );
    // The trail says what was refused and why, never what was written.
    expect(exported).not.toContain('unencrypted');
    expect(exported).not.toContain('9434765919');
    expect(exported).not.toContain(nhsNumber);
  });

  it('runs the gateway as a database role that cannot alter, delete or unprotect the audit trail', async () => {
    // The URL the gateway itself connects with (status --json reports it for the local stack).
    const asGateway = new pg.Client({ connectionString: trustA.policyDatabaseUrl });
    await asGateway.connect();
    try {
      const { rows } = await asGateway.query<{ count: string }>('SELECT count(*) FROM bleep_audit');
      expect(Number(rows[0]?.count)).toBeGreaterThan(0);
      for (const sql of [
        'ALTER TABLE bleep_audit DISABLE TRIGGER ALL',
        'DELETE FROM bleep_audit',
        'DROP TABLE bleep_audit',
      ]) {
        await expect(asGateway.query(sql)).rejects.toMatchObject({ code: '42501' });
      }
    } finally {
      await asGateway.end();
    }
    expect(await stackCommand(['policy', 'trust-a', 'audit', 'verify'])).toMatch(/Audit trail intact/);
  });

  it('answers a bad token, a missing token and an unknown path with Matrix errors', async () => {
    expect(await call('not-a-token', 'GET', '/_matrix/client/v3/account/whoami')).toMatchObject({
      status: 401,
      body: { errcode: 'M_UNKNOWN_TOKEN' },
    });
    const anonymous = await fetch(`${trustA.clientUrl}/_matrix/client/v3/account/whoami`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ errcode: 'M_MISSING_TOKEN' });
    expect(await call(token, 'GET', '/_matrix/client/v3/no/such/endpoint')).toMatchObject({
      status: 404,
      body: { errcode: 'M_UNRECOGNIZED', 'uk.nhs.bleep.rule': 'default-deny' },
    });
  });

  it("tells Synapse the connection's own address, not one the client claims", async () => {
    // Synapse believes the first X-Forwarded-For entry: a client's own would dodge per-address rate limits and
    // falsify the client addresses trust IT reviews.
    const spoofed = '203.0.113.7';
    const whoami = await fetch(`${trustA.clientUrl}/_matrix/client/v3/account/whoami`, {
      headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': spoofed, 'x-real-ip': spoofed },
    });
    expect(whoami.status).toBe(200);
    const admin = await registerUser({
      synapseUrl: trustA.synapseUrl,
      sharedSecret: trustA.registrationSharedSecret,
      username: `it-admin-${randomBytes(4).toString('hex')}`,
      password: randomBytes(12).toString('hex'),
      admin: true,
    });
    const whois = await fetch(
      `${trustA.synapseUrl}/_synapse/admin/v1/whois/${encodeURIComponent(clinician.userId)}`,
      { headers: { authorization: `Bearer ${admin.accessToken}` } },
    );
    const body = (await whois.json()) as {
      devices: Record<string, { sessions: { connections: { ip: string }[] }[] }>;
    };
    const addresses = Object.values(body.devices).flatMap((device) =>
      device.sessions.flatMap((session) => session.connections.map((connection) => connection.ip)),
    );
    expect(addresses).toContain('127.0.0.1');
    expect(addresses).not.toContain(spoofed);
  });

  it('answers malformed JSON with M_NOT_JSON', async () => {
    const response = await fetch(`${trustA.clientUrl}/_matrix/client/v3/createRoom`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errcode: 'M_NOT_JSON' });
  });
});
