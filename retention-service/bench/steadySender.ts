// A clinician's sends while the purge runs: one encrypted-shaped message at a steady rate through Synapse's client
// API, each timed. Open loop (a send starts on schedule whether or not the last has answered), so a slow Synapse
// shows as slow sends rather than as fewer sends.
import { randomBytes } from 'node:crypto';

export type SendSample = Readonly<{ startedAt: number; latencyMs: number; ok: boolean }>;

export type SteadySender = Readonly<{
  /** Stops sending, waits for the sends in flight, and answers every sample. */
  stop: () => Promise<SendSample[]>;
}>;

export type SenderTarget = Readonly<{ synapseUrl: string; accessToken: string; roomId: string }>;

/** Sends beyond this many unanswered are skipped and counted as failed: a stalled Synapse must not pile up sockets. */
const maxInFlight = 200;

export function startSteadySender(target: SenderTarget, perSecond: number): SteadySender {
  const samples: SendSample[] = [];
  const inFlight = new Set<Promise<void>>();
  const periodMs = 1000 / perSecond;
  const begin = Date.now();
  const runId = randomBytes(4).toString('hex');
  let sequence = 0;
  let timer: NodeJS.Timeout | undefined;

  const sendOne = async (n: number): Promise<void> => {
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const url = new URL(
      `/_matrix/client/v3/rooms/${encodeURIComponent(target.roomId)}/send/m.room.encrypted/bench-${runId}-${n}`,
      target.synapseUrl,
    );
    let ok = false;
    try {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { authorization: `Bearer ${target.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          algorithm: 'm.megolm.v1.aes-sha2',
          ciphertext: Buffer.concat([Buffer.from([3]), randomBytes(300)]).toString('base64'),
          device_id: 'BENCHSENDER',
          sender_key: 'bench-latency-sender-key',
          session_id: 'bench-latency-session',
        }),
        signal: AbortSignal.timeout(60_000),
      });
      await response.arrayBuffer();
      ok = response.ok;
    } catch {
      // A send that failed or timed out is a sample too: counted as failed, its time as measured.
      ok = false;
    }
    samples.push({ startedAt, latencyMs: Number(process.hrtime.bigint() - started) / 1e6, ok });
  };

  const tick = (): void => {
    const n = sequence;
    sequence += 1;
    if (inFlight.size >= maxInFlight) {
      samples.push({ startedAt: Date.now(), latencyMs: Number.NaN, ok: false });
    } else {
      const sending = sendOne(n).finally(() => inFlight.delete(sending));
      inFlight.add(sending);
    }
    // Scheduled from the start time, so timer drift does not lower the rate.
    timer = setTimeout(tick, Math.max(0, begin + sequence * periodMs - Date.now()));
  };
  tick();

  return {
    async stop() {
      if (timer) clearTimeout(timer);
      await Promise.all(inFlight);
      return [...samples].sort((a, b) => a.startedAt - b.startedAt);
    },
  };
}

/** One message from the sender, now (to wake Synapse's stream processors after a seed). */
export async function sendOneMessage(target: SenderTarget, prefix: string): Promise<void> {
  const url = new URL(
    `/_matrix/client/v3/rooms/${encodeURIComponent(target.roomId)}/send/m.room.encrypted/${prefix}-${randomBytes(6).toString('hex')}`,
    target.synapseUrl,
  );
  const response = await fetch(url, {
    method: 'PUT',
    headers: { authorization: `Bearer ${target.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      algorithm: 'm.megolm.v1.aes-sha2',
      ciphertext: 'AwAA',
      session_id: 'bench-catch-up',
    }),
  });
  await response.arrayBuffer();
}
