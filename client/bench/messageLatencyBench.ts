// How long a message takes from one clinician's desktop to another's, sent by one client core and shown decrypted
// by another, against the local stack (started by `npm run stack -- up`): same trust, and across trusts. Beside it,
// in the same run: the floor (the same round trip with plain HTTP through the gateway: a Megolm-shaped event sent
// and read back by a /sync long-poll, no crypto, no SDK) and the peer (bare matrix-js-sdk with rust crypto, nothing
// of Bleep). Each message is sent once the previous one has arrived. Prints medians, p99s and the ratios the issue
// sets targets for; asserts nothing. Run: npm run bench:latency -w client (BENCH_MESSAGES=200 by default).
import { randomBytes } from 'node:crypto';
import { ClientEvent, MatrixEventEvent, type MatrixEvent } from 'matrix-js-sdk';
import type { RunningTrust } from '../../deploy/local/src/stackStatus.ts';
import {
  openReferralRoom,
  signInAtEnrolledDesktop,
  signInNewClinician,
  type Clinician,
  type StaffSession,
} from '../../deploy/test/integration/clinicianClient.ts';
import { runningTrusts } from '../../deploy/test/integration/stackCli.ts';
import { trustNamed } from '../../deploy/test/integration/stackInfo.ts';
import { selectRoom } from '../core/stores/selectors/roomSelectors.ts';
import { selectMessages } from '../core/stores/selectors/timelineSelectors.ts';
import { eventually, signedInDesktop } from '../test/integration/bleepDesktop.testkit.ts';

const messages = Number(process.env.BENCH_MESSAGES ?? 200);
const warmUp = 5;

type Latencies = readonly number[];

function percentile(sorted: Latencies, fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

function summary(latencies: Latencies): { median: number; p99: number } {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

/** Sends `count` messages one after another, each once the previous has arrived; the round trips in ms. */
async function timed(count: number, once: (index: number) => Promise<void>): Promise<Latencies> {
  for (let index = 0; index < warmUp; index++) await once(-index - 1);
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const started = performance.now();
    await once(index);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

// ---- The floor: plain HTTP through the gateway ------------------------------------------------------------------

async function gatewayJson(
  trust: RunningTrust,
  session: StaffSession,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${trust.clientUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Content the gateway takes as Megolm (version 3, index, AES block, MAC, signature), readable by nobody. */
function megolmShaped(): Record<string, unknown> {
  const ciphertext = Buffer.concat([Buffer.from([3, 8]), randomBytes(16 + 8 + 64)]).toString('base64');
  return {
    algorithm: 'm.megolm.v1.aes-sha2',
    ciphertext,
    session_id: randomBytes(32).toString('base64').replace(/=+$/, ''),
    sender_key: randomBytes(32).toString('base64').replace(/=+$/, ''),
    device_id: 'BENCHFLOOR',
  };
}

async function floor(trust: RunningTrust): Promise<Latencies> {
  const sender = await signInAtEnrolledDesktop(trust, 'bench-floor-sender');
  const receiver = await signInAtEnrolledDesktop(trust, 'bench-floor-receiver');
  const { room_id: roomId } = (await gatewayJson(trust, sender, 'POST', '/_matrix/client/v3/createRoom', {
    invite: [receiver.userId],
    initial_state: [
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 'm.megolm.v1.aes-sha2' } },
    ],
  })) as { room_id: string };
  await gatewayJson(trust, receiver, 'POST', `/_matrix/client/v3/join/${encodeURIComponent(roomId)}`, {});
  const filter = encodeURIComponent(
    JSON.stringify({ room: { timeline: { limit: 10 } }, presence: { types: [] } }),
  );
  let since = (
    (await gatewayJson(trust, receiver, 'GET', `/_matrix/client/v3/sync?filter=${filter}&timeout=0`)) as {
      next_batch: string;
    }
  ).next_batch;
  /** Long-polls until the event arrives. */
  async function arrival(eventId: string): Promise<void> {
    for (;;) {
      const batch = (await gatewayJson(
        trust,
        receiver,
        'GET',
        `/_matrix/client/v3/sync?filter=${filter}&timeout=30000&since=${encodeURIComponent(since)}`,
      )) as {
        next_batch: string;
        rooms?: { join?: Record<string, { timeline?: { events?: { event_id: string }[] } }> };
      };
      since = batch.next_batch;
      if (batch.rooms?.join?.[roomId]?.timeline?.events?.some((event) => event.event_id === eventId)) return;
    }
  }
  return timed(messages, async (index) => {
    const txnId = `floor-${index}-${randomBytes(4).toString('hex')}`;
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.encrypted/${txnId}`;
    // The receiver's long-poll is already waiting when the message goes, as a desktop's always is.
    const sent = gatewayJson(trust, sender, 'PUT', path, megolmShaped());
    const { event_id: eventId } = (await sent) as { event_id: string };
    await arrival(eventId);
  });
}

// ---- The peer: bare matrix-js-sdk with rust crypto --------------------------------------------------------------

function decryptedArrival(client: Clinician, roomId: string, body: string): Promise<void> {
  return new Promise((resolve) => {
    const seen = (event: MatrixEvent) => {
      if (event.getRoomId() === roomId && event.getContent().body === body) {
        client.client.off(MatrixEventEvent.Decrypted, seen);
        client.client.off(ClientEvent.Event, seen);
        resolve();
      }
    };
    client.client.on(MatrixEventEvent.Decrypted, seen);
    client.client.on(ClientEvent.Event, seen);
  });
}

async function peer(senderTrust: RunningTrust, receiverTrust: RunningTrust): Promise<Latencies> {
  const sender = await signInNewClinician(senderTrust, 'bench-peer-sender');
  const receiver = await signInNewClinician(receiverTrust, 'bench-peer-receiver');
  const roomId = await openReferralRoom(sender, receiver, 'Bench: bare SDK');
  try {
    return await timed(messages, async (index) => {
      const body = `peer ${index} ${randomBytes(4).toString('hex')}`;
      const arrived = decryptedArrival(receiver, roomId, body);
      await sender.client.sendTextMessage(roomId, body);
      await arrived;
    });
  } finally {
    sender.stop();
    receiver.stop();
  }
}

// ---- Bleep: two client cores ------------------------------------------------------------------------------------

async function bleep(senderTrust: RunningTrust, receiverTrust: RunningTrust): Promise<Latencies> {
  const sender = await signedInDesktop(senderTrust, 'bench-bleep-sender');
  const receiver = await signedInDesktop(receiverTrust, 'bench-bleep-receiver');
  try {
    const roomId = await sender.core.rooms.openRoom({
      name: 'Bench: Bleep',
      invite: [receiver.account.userId],
    });
    await eventually('the invitation', () =>
      selectRoom(roomId)(receiver.core.store.getState())?.membership === 'invite' ? true : undefined,
    );
    await receiver.core.rooms.join(roomId);
    await eventually('the join', () =>
      selectRoom(roomId)(sender.core.store.getState())?.joinedMembers === 2 ? true : undefined,
    );
    const shown = (eventId: string) =>
      selectMessages(roomId)(receiver.core.store.getState()).some(
        (item) => item.id === eventId && item.decryption === 'decrypted',
      );
    return await timed(messages, async (index) => {
      const body = `bleep ${index} ${randomBytes(4).toString('hex')}`;
      const eventId = await sender.core.rooms.sendText(roomId, body);
      if (shown(eventId)) return;
      await new Promise<void>((resolve) => {
        const unsubscribe = receiver.core.store.subscribe(() => {
          if (shown(eventId)) {
            unsubscribe();
            resolve();
          }
        });
      });
    });
  } finally {
    sender.core.stop();
    receiver.core.stop();
  }
}

function row(name: string, latencies: Latencies): string {
  const { median, p99 } = summary(latencies);
  return `${name.padEnd(34)} median ${median.toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms`;
}

function ratio(name: string, value: number, target: string): string {
  return `${name.padEnd(48)} ${value.toFixed(2)}x   (target ${target})`;
}

async function main(): Promise<void> {
  const trusts = await runningTrusts();
  const trustA = trustNamed(trusts, 'trust-a');
  const trustB = trustNamed(trusts, 'trust-b');
  console.log(`Message latency, ${messages} messages each (after ${warmUp} not counted), sent one at a time`);
  const floorSame = await floor(trustA);
  console.log(row('floor (HTTP + /sync, same trust)', floorSame));
  const peerSame = await peer(trustA, trustA);
  console.log(row('bare SDK, same trust', peerSame));
  const bleepSame = await bleep(trustA, trustA);
  console.log(row('Bleep core, same trust', bleepSame));
  const bleepAcross = await bleep(trustA, trustB);
  console.log(row('Bleep core, trust A to trust B', bleepAcross));
  const f = summary(floorSame);
  const p = summary(peerSame);
  const b = summary(bleepSame);
  const x = summary(bleepAcross);
  console.log('');
  console.log(ratio('Bleep same trust median / floor median', b.median / f.median, '<= 1.25'));
  console.log(ratio('Bleep same trust p99 / floor p99', b.p99 / f.p99, '<= 1.5'));
  console.log(ratio('Bleep same trust median / bare SDK median', b.median / p.median, '<= 1'));
  console.log(ratio('bare SDK median / floor median', p.median / f.median, 'none: the peer'));
  console.log(ratio('Bleep across trusts median / same-trust floor', x.median / f.median, '<= 2'));
  // The cores' and SDK clients' timers would keep the process alive.
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
