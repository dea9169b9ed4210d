// Seeds the bench homeserver with the plan (seedPlan.ts) in two halves. While Synapse runs: users, rooms and the
// oldest messages through the test application service (dated in the past with `?ts=`), as a client would. With
// Synapse stopped: the other messages written in SQL as Synapse writes them (generateHistory.ts; the client API
// manages about 60 messages a second on this machine), then each API-sent event's arrival time
// (events.received_ts) set to its date: a server that had really received these messages days ago would hold exactly
// that, and Synapse's own retention jobs choose what to purge by arrival time, so without it they would see
// everything as new. Room set-up (creation, joins, names) cannot be dated through the API; its events are dated as
// arriving an hour before the first message.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import { registerUser } from '@bleep/policy-module';
import type { Reporter } from '../../deploy/local/src/progress.ts';
import { createAppServiceClient } from './appServiceClient.ts';
import type { BenchHomeserver } from './benchHomeserver.ts';
import type { BenchSettings } from './benchSettings.ts';
import { generateHistory } from './generateHistory.ts';
import { encryptedContent, plaintextContent } from './seedContent.ts';
import { planSeed, type PlannedMessage, type SeedPlan } from './seedPlan.ts';

export type SeedRecord = Readonly<{
  seededAt: string;
  rooms: number;
  messages: number;
  oldMessages: number;
  setupSeconds: number;
  /** The oldest messages, sent through the application service. */
  apiMessages: number;
  apiSeconds: number;
  /** The rest, written in SQL with Synapse stopped. */
  generatedMessages: number;
  generatedSeconds: number;
  /** Synapse started once after the SQL half, until its background processors reached the new events. */
  catchUpSeconds?: number;
  concurrency: number;
  /** The latency sender: a plain account (shared-secret registration) in its own room. */
  sender: Readonly<{ userId: string; accessToken: string; roomId: string }>;
}>;

async function inParallel<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function messageContent(message: PlannedMessage, n: number): [string, Record<string, unknown>] {
  return message.plaintext
    ? ['m.room.message', plaintextContent(`Bench plaintext message ${n}`)]
    : ['m.room.encrypted', encryptedContent(message.room)];
}

async function createRooms(
  homeserver: BenchHomeserver,
  plan: SeedPlan,
  settings: BenchSettings,
): Promise<string[]> {
  const client = createAppServiceClient(
    homeserver.synapseUrl,
    homeserver.appServiceToken,
    homeserver.serverName,
  );
  const users = Array.from({ length: settings.BENCH_USERS }, (_, index) => index);
  await inParallel(users, settings.BENCH_SEED_CONCURRENCY, (index) => client.register(index));
  const roomIds: string[] = [];
  await inParallel(plan.rooms, settings.BENCH_SEED_CONCURRENCY, async (room) => {
    const [creator, ...others] = room.members as [number, ...number[]];
    const roomId = await client.createRoom(creator, {
      preset: 'private_chat',
      name: `Bench ward ${room.index}`,
      topic: `Handover notes, bench room ${room.index}`,
      invite: others.map((index) => client.userId(index)),
      initial_state: [
        { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
      ],
    });
    for (const other of others) await client.join(other, roomId);
    roomIds[room.index] = roomId;
  });
  return roomIds;
}

async function createSender(homeserver: BenchHomeserver): Promise<SeedRecord['sender']> {
  const registered = await registerUser({
    synapseUrl: homeserver.synapseUrl,
    sharedSecret: homeserver.registrationSharedSecret,
    username: 'bench-latency-sender',
    password: randomBytes(24).toString('base64url'),
  });
  const response = await fetch(new URL('/_matrix/client/v3/createRoom', homeserver.synapseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${registered.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ preset: 'private_chat', name: 'Bench latency room' }),
  });
  const body = (await response.json()) as { room_id?: string };
  if (!body.room_id) throw new Error(`the latency sender's room could not be made: HTTP ${response.status}`);
  return { userId: registered.userId, accessToken: registered.accessToken, roomId: body.room_id };
}

async function sendMessages(
  homeserver: BenchHomeserver,
  plan: SeedPlan,
  roomIds: readonly string[],
  settings: BenchSettings,
  count: number,
  reporter: Reporter,
): Promise<void> {
  const client = createAppServiceClient(
    homeserver.synapseUrl,
    homeserver.appServiceToken,
    homeserver.serverName,
  );
  const messages = plan.messages.slice(0, count);
  const tenth = Math.max(1, Math.floor(messages.length / 10));
  const started = Date.now();
  let sent = 0;
  await inParallel(messages, settings.BENCH_SEED_CONCURRENCY, async (message, n) => {
    const room = plan.rooms[message.room];
    const roomId = roomIds[message.room];
    const sender = room?.members[message.sender];
    if (roomId === undefined || sender === undefined) throw new Error(`seed plan: message ${n} has no room`);
    const [type, content] = messageContent(message, n);
    await client.send(sender, roomId, type, `bench-seed-${n}`, content, message.ts);
    sent += 1;
    if (sent % tenth === 0) {
      const seconds = (Date.now() - started) / 1000;
      reporter.info(`  seeded ${sent}/${messages.length} messages (${(sent / seconds).toFixed(0)}/s)`);
    }
  });
}

/** Arrival times as a server that received this history when it was sent would hold them. */
async function backdateArrival(databaseUrl: string, setupUntil: number, plan: SeedPlan): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('UPDATE events SET received_ts = $2 WHERE stream_ordering <= $1', [
      setupUntil,
      plan.oldest - 3_600_000,
    ]);
    await db.query(
      'UPDATE events SET received_ts = origin_server_ts WHERE stream_ordering > $1 AND origin_server_ts < received_ts',
      [setupUntil],
    );
    // A database that had grown over days would have been analysed by autovacuum long since.
    await db.query('VACUUM ANALYZE');
  } finally {
    await db.end();
  }
}

async function maxStreamOrdering(databaseUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ max: string | null }>('SELECT max(stream_ordering) AS max FROM events');
    return Number(rows[0]?.max ?? 0);
  } finally {
    await db.end();
  }
}

/** The seed's first half, while Synapse runs: users, rooms, the latency sender, the oldest messages. */
export type ApiSeed = Readonly<{
  plan: SeedPlan;
  roomIds: readonly string[];
  sender: SeedRecord['sender'];
  setupUntil: number;
  setupSeconds: number;
  apiMessages: number;
  apiSeconds: number;
}>;

export async function seedThroughApplicationService(
  homeserver: BenchHomeserver,
  settings: BenchSettings,
  reporter: Reporter,
): Promise<ApiSeed> {
  const plan = planSeed(settings, Date.now());
  const setupStarted = Date.now();
  const roomIds = await reporter.step(`seed: ${settings.BENCH_USERS} users, ${plan.rooms.length} rooms`, () =>
    createRooms(homeserver, plan, settings),
  );
  const sender = await createSender(homeserver);
  const setupUntil = await maxStreamOrdering(homeserver.databaseUrl);
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  const apiMessages = Math.min(settings.BENCH_API_MESSAGES, plan.messages.length);
  const sendStarted = Date.now();
  await reporter.step(
    `seed: the oldest ${apiMessages} messages through the application service (${settings.BENCH_SEED_CONCURRENCY} in flight)`,
    () => sendMessages(homeserver, plan, roomIds, settings, apiMessages, reporter),
  );
  return {
    plan,
    roomIds,
    sender,
    setupUntil,
    setupSeconds,
    apiMessages,
    apiSeconds: (Date.now() - sendStarted) / 1000,
  };
}

/** The seed's second half, with Synapse stopped: the other messages in SQL, arrival times, statistics. */
export async function finishSeedInDatabase(
  homeserver: BenchHomeserver,
  settings: BenchSettings,
  seed: ApiSeed,
  reporter: Reporter,
): Promise<SeedRecord> {
  const { plan } = seed;
  const generateStarted = Date.now();
  await reporter.step(`seed: the other ${plan.messages.length - seed.apiMessages} messages in SQL`, () =>
    generateHistory({
      databaseUrl: homeserver.databaseUrl,
      signingKeyPath: join(homeserver.files.keysDir, 'signing.key'),
      serverName: homeserver.serverName,
      plan,
      from: seed.apiMessages,
      roomIds: seed.roomIds,
      userId: createAppServiceClient(homeserver.synapseUrl, homeserver.appServiceToken, homeserver.serverName)
        .userId,
    }),
  );
  const generateSeconds = (Date.now() - generateStarted) / 1000;
  await reporter.step('seed: arrival times backdated, database analysed', () =>
    backdateArrival(homeserver.databaseUrl, seed.setupUntil, plan),
  );
  const generated = plan.messages.length - seed.apiMessages;
  return {
    seededAt: new Date().toISOString(),
    rooms: plan.rooms.length,
    messages: plan.messages.length,
    oldMessages: plan.oldCount,
    setupSeconds: seed.setupSeconds,
    apiMessages: seed.apiMessages,
    apiSeconds: seed.apiSeconds,
    generatedMessages: generated,
    generatedSeconds: generateSeconds,
    concurrency: settings.BENCH_SEED_CONCURRENCY,
    sender: seed.sender,
  };
}
