// A room version 11 message event made whole outside Synapse: its content hash, its signature with the homeserver's
// own signing key, and its event id (the reference hash), exactly as Synapse computes them (synapse/crypto/
// event_signing.py, synapse/events/utils.py prune_event_dict). Synapse checks on every read that a stored event's id
// is its reference hash, so the bench's generated history must be hashed as Synapse would have.
import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@bleep/policy-module';

/** Top-level keys a redaction keeps in room versions 11 and later (the message content goes whole). */
const keptKeys = new Set([
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'auth_events',
  'origin_server_ts',
]);

export type UnsignedEvent = Readonly<{
  type: string;
  room_id: string;
  sender: string;
  content: Readonly<Record<string, unknown>>;
  depth: number;
  prev_events: readonly string[];
  auth_events: readonly string[];
  origin_server_ts: number;
}>;

export type SigningKey = Readonly<{ keyId: string; key: KeyObject; serverName: string }>;

const unpadded = (buffer: Buffer): string => buffer.toString('base64').replace(/=+$/, '');

/** Synapse's signing.key line ("ed25519 <id> <unpadded base64 seed>") as a key Node can sign with. */
export function signingKeyFrom(fileText: string, serverName: string): SigningKey {
  const [algorithm, version, seed] = fileText.trim().split(/\s+/);
  if (algorithm !== 'ed25519' || !version || !seed) throw new Error('unreadable Synapse signing key');
  const pkcs8Prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const key = createPrivateKey({
    key: Buffer.concat([pkcs8Prefix, Buffer.from(seed, 'base64')]),
    format: 'der',
    type: 'pkcs8',
  });
  return { keyId: `ed25519:${version}`, key, serverName };
}

/** A message event's redacted form, as the reference hash and the signature see it (message content goes). */
function redacted(event: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(event).filter(([key]) => keptKeys.has(key)));
  return { ...kept, content: {} };
}

function withoutKeys(
  event: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => !keys.includes(key)));
}

export function referenceHashId(event: Readonly<Record<string, unknown>>): string {
  const hash = createHash('sha256')
    .update(canonicalJson(withoutKeys(redacted(event), ['signatures', 'unsigned', 'age_ts'])))
    .digest();
  return `$${unpadded(hash).replace(/\+/g, '-').replace(/\//g, '_')}`;
}

/** The event as Synapse stores it in event_json (no event_id key), with its hashes and signature; and its id. */
export function completeEvent(
  event: UnsignedEvent,
  signingKey: SigningKey,
): Readonly<{ eventId: string; json: Record<string, unknown> }> {
  const contentHash = createHash('sha256')
    .update(canonicalJson(withoutKeys(event, ['unsigned', 'signatures', 'hashes', 'age_ts'])))
    .digest();
  const hashed = { ...event, hashes: { sha256: unpadded(contentHash) } };
  const signature = sign(
    null,
    Buffer.from(canonicalJson(withoutKeys(redacted(hashed), ['signatures', 'unsigned', 'age_ts']))),
    signingKey.key,
  );
  const json = {
    ...hashed,
    signatures: { [signingKey.serverName]: { [signingKey.keyId]: unpadded(signature) } },
    unsigned: { age_ts: event.origin_server_ts },
  };
  return { eventId: referenceHashId(json), json };
}
