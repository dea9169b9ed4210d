import { generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '@bleep/policy-module';
import { completeEvent, referenceHashId, signingKeyFrom } from './matrixEventHashes.ts';

// A message Synapse 1.160 itself stored (sent through the client API on the bench homeserver), with its id.
const storedId = '$7QGsyYnIA1uHGN4n6tnmjx2jSlrtgQef1qySCFSZ1v0';
const stored = {
  signatures: {
    'bench.localhost:8468': {
      'ed25519:a_8360b1':
        'X20urud/QrZCzizXaHmDTN/EBs3SUn65Soo848YjPGyQJJvblv0mtOy+hazQ2Ht2i7GV1gnxaE5HgL8DLPioAg',
    },
  },
  unsigned: { age_ts: 1795869624224 },
  room_id: '!ZYCCYykmGAdcQCKLUU:bench.localhost:8468',
  auth_events: [
    '$SX6AOeLyUlhMnEnQ-tPaISmb3dOAl8Jbf0vNB2SnmYA',
    '$JqPsG7-lBd1Symo6iuXpdNovVucLevLTdWLa5rPsSjQ',
    '$2NkKvn_WQK7GoO-9JoaU3lIYe3yt3vP7WsDucbPhvhA',
  ],
  prev_events: [
    '$yPfy1MkfVdEzouTVMSuF_TeoDDY3oPxU2c44lcXd2ak',
    '$pALJ1HsOr434GmlWmzZgfyYDwJpAcXOmJ1aLnV2VhUA',
  ],
  content: { body: 'Bench plaintext message 1980', msgtype: 'm.text' },
  depth: 62,
  hashes: { sha256: 'qUXBW+STho4YWMGyF0uYQabZ7uTXbeoHVX0rAdDFUCc' },
  origin_server_ts: 1795857220773,
  sender: '@bleep-backdated-bench-2:bench.localhost:8468',
  type: 'm.room.message',
};

describe('a generated event, hashed as Synapse hashes it', () => {
  it("names a stored event by Synapse's own reference hash", () => {
    expect(referenceHashId(stored)).toBe(storedId);
  });

  it('gives the same content hash and id as Synapse for the same event, and a signature that verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const { signatures: _signatures, unsigned: _unsigned, hashes: _hashes, ...unsignedEvent } = stored;
    const { eventId, json } = completeEvent(unsignedEvent, {
      keyId: 'ed25519:test',
      key: privateKey,
      serverName: 'bench.localhost:8468',
    });
    expect(eventId).toBe(storedId);
    expect(json.hashes).toEqual(stored.hashes);
    const signature = (json.signatures as Record<string, Record<string, string>>)['bench.localhost:8468']?.[
      'ed25519:test'
    ];
    const { signatures: _s, unsigned: _u, ...signed } = json;
    const redacted = { ...signed, content: {} };
    expect(
      verify(null, Buffer.from(canonicalJson(redacted)), publicKey, Buffer.from(signature ?? '', 'base64')),
    ).toBe(true);
  });

  it("reads Synapse's signing key file", () => {
    const seed = Buffer.alloc(32, 7).toString('base64').replace(/=+$/, '');
    const key = signingKeyFrom(`ed25519 a_abc ${seed}\n`, 'bench.localhost:8468');
    expect(key.keyId).toBe('ed25519:a_abc');
    expect(key.key.asymmetricKeyType).toBe('ed25519');
  });
});
