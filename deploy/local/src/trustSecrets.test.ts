import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTrustSecrets, synapseSigningKey } from './trustSecrets.ts';

describe('trust secrets', () => {
  it('writes a signing key in Synapse format whose seed is a working Ed25519 key', () => {
    const [algorithm, keyId, seed] = synapseSigningKey('a_test').trim().split(' ');
    expect(algorithm).toBe('ed25519');
    expect(keyId).toBe('a_test');
    const raw = Buffer.from(seed ?? '', 'base64');
    expect(raw).toHaveLength(32);
    const privateKey = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), raw]),
      format: 'der',
      type: 'pkcs8',
    });
    const signature = sign(null, Buffer.from('hello'), privateKey);
    expect(verify(null, Buffer.from('hello'), createPublicKey(privateKey), signature)).toBe(true);
  });

  it('never replaces an existing secret, and keeps secrets private to their owner', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bleep-secrets-'));
    const first = await ensureTrustSecrets(dir);
    const before = await readFile(first.registrationSharedSecret, 'utf8');
    await ensureTrustSecrets(dir);
    expect(await readFile(first.registrationSharedSecret, 'utf8')).toBe(before);
    expect((await stat(first.signingKey)).mode & 0o077).toBe(0);
  });
});
