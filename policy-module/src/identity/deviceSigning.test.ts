// The signing decision, against a stand-in for Synapse's key API (this unit test's only fake; the real Synapse is
// exercised by client/test/integration/hotDesking.test.ts). The stand-in checks signatures as Synapse does.
import { beforeEach, describe, expect, it } from 'vitest';
import type { CrossSigningUpload } from './crossSigningIdentity.ts';
import { keyId } from './crossSigningIdentity.ts';
import { signEnrolledDevice } from './deviceSigning.ts';
import {
  ed25519PublicKey,
  newEd25519Seed,
  signObject,
  verifyObjectSignature,
  type Ed25519Seed,
} from './ed25519Keys.ts';
import type { HeldIdentity, IdentityStore } from './identityStore.ts';
import { newCrossSigningSeeds } from './crossSigningIdentity.ts';
import { singlePublicKey, type SynapseKeys } from './synapseKeys.ts';

const userId = '@amelia:trust-a';
const deviceId = 'WARD12PC03';

function deviceKeysOf(seed: Ed25519Seed, owner = userId, device = deviceId): Record<string, unknown> {
  const unsigned = {
    user_id: owner,
    device_id: device,
    algorithms: ['m.olm.v1.curve25519-aes-sha2', 'm.megolm.v1.aes-sha2'],
    keys: { [`ed25519:${device}`]: ed25519PublicKey(seed), [`curve25519:${device}`]: 'c'.repeat(43) },
  };
  return { ...unsigned, signatures: { [owner]: { [`ed25519:${device}`]: signObject(seed, unsigned) } } };
}

class SynapseStandIn implements SynapseKeys {
  upload: CrossSigningUpload | undefined;
  devices = new Map<string, Record<string, unknown>>();
  signaturesStored = 0;
  /** The clinician's password, which Synapse asks for (interactive auth) before it replaces an identity. */
  readonly password = 'correct horse battery staple';
  queryOwnKeys(_token: string, _user: string, device: string) {
    return Promise.resolve({
      masterKey: this.upload ? singlePublicKey(this.upload.master_key) : undefined,
      deviceKeys: this.devices.get(device),
    });
  }
  publishIdentity(_token: string, upload: CrossSigningUpload, auth?: Readonly<{ password: string }>) {
    if (this.upload && auth === undefined) return Promise.resolve('exists' as const);
    if (this.upload && auth?.password !== this.password) return Promise.resolve('wrong-password' as const);
    this.upload = upload;
    return Promise.resolve('published' as const);
  }
  uploadSignature(_token: string, user: string, device: string, signed: Record<string, unknown>) {
    const ssk = singlePublicKey(this.upload?.self_signing_key);
    const held = this.devices.get(device);
    const signature = (signed.signatures as Record<string, Record<string, string>>)[user]?.[keyId(ssk ?? '')];
    if (!ssk || !held || !signature || !verifyObjectSignature(ssk, signature, held)) {
      return Promise.reject(new Error('Synapse would refuse this signature'));
    }
    const signatures = held.signatures as Record<string, Record<string, string>>;
    this.devices.set(device, {
      ...held,
      signatures: { [user]: { ...signatures[user], [keyId(ssk)]: signature } },
    });
    this.signaturesStored += 1;
    return Promise.resolve();
  }
}

function memoryIdentities(): IdentityStore & { held: Map<string, HeldIdentity> } {
  const held = new Map<string, HeldIdentity>();
  return {
    held,
    findOrCreate(user) {
      let identity = held.get(user);
      if (!identity) {
        const seeds = newCrossSigningSeeds();
        identity = {
          userId: user,
          seeds,
          masterKey: ed25519PublicKey(seeds.master),
          selfSigningKey: ed25519PublicKey(seeds.selfSigning),
          publishedAt: null,
        };
        held.set(user, identity);
      }
      return Promise.resolve(identity);
    },
    markPublished(user) {
      const identity = held.get(user);
      if (identity && identity.publishedAt === null) held.set(user, { ...identity, publishedAt: new Date() });
      return Promise.resolve();
    },
  };
}

describe('signing an enrolled desktop', () => {
  let synapse: SynapseStandIn;
  let identities: ReturnType<typeof memoryIdentities>;
  let deviceSeed: Ed25519Seed;
  const sign = (claimed: string, password?: string) =>
    signEnrolledDevice(
      {
        accessToken: 't',
        userId,
        deviceId,
        claimedEd25519: claimed,
        ...(password === undefined ? {} : { password }),
      },
      { identities, synapseKeys: synapse },
    );

  beforeEach(() => {
    synapse = new SynapseStandIn();
    identities = memoryIdentities();
    deviceSeed = newEd25519Seed();
    synapse.devices.set(deviceId, deviceKeysOf(deviceSeed));
  });

  it("publishes the clinician's identity the first time, signs the desktop, and says so once", async () => {
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({ outcome: 'signed', published: true });
    const master = singlePublicKey(synapse.upload?.master_key);
    expect(master).toBe(identities.held.get(userId)?.masterKey);
    // The self-signing key is signed by the master key, as clients check.
    const ssk = synapse.upload?.self_signing_key;
    const sskSignature = ssk?.signatures?.[userId]?.[keyId(master ?? '')];
    expect(ssk && sskSignature && verifyObjectSignature(master ?? '', sskSignature, ssk)).toBe(true);
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({
      outcome: 'already-signed',
      published: false,
    });
    expect(synapse.signaturesStored).toBe(1);
  });

  it('refuses keys the desktop does not claim, keys not signed by themselves, and keys of another device', async () => {
    const claimed = ed25519PublicKey(deviceSeed);
    expect(await sign(ed25519PublicKey(newEd25519Seed()))).toMatchObject({
      outcome: 'refused',
      reason: 'device-keys-mismatch',
    });
    // The homeserver swapped in keys of its own under the desktop's id.
    const rogue = newEd25519Seed();
    synapse.devices.set(deviceId, deviceKeysOf(rogue));
    expect(await sign(claimed)).toMatchObject({ outcome: 'refused', reason: 'device-keys-mismatch' });
    // The desktop's public key, but not its signature.
    const forged = deviceKeysOf(rogue);
    synapse.devices.set(deviceId, { ...forged, keys: { [`ed25519:${deviceId}`]: claimed } });
    expect(await sign(claimed)).toMatchObject({ outcome: 'refused', reason: 'device-keys-mismatch' });
    synapse.devices.set(deviceId, deviceKeysOf(deviceSeed, userId, 'OTHERPC'));
    expect(await sign(claimed)).toMatchObject({ outcome: 'refused', reason: 'device-keys-mismatch' });
    synapse.devices.set(deviceId, deviceKeysOf(deviceSeed, '@leila:trust-a'));
    expect(await sign(claimed)).toMatchObject({ outcome: 'refused', reason: 'device-keys-mismatch' });
    expect(synapse.signaturesStored).toBe(0);
  });

  it('asks the desktop to try again while its keys have not reached the homeserver', async () => {
    synapse.devices.clear();
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({
      outcome: 'refused',
      reason: 'no-device-keys',
      error: { status: 404, errcode: 'M_NOT_FOUND' },
    });
  });

  it('publishes an identity trust IT reset over the old one only with the clinician’s password', async () => {
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({ outcome: 'signed' });
    const oldMaster = singlePublicKey(synapse.upload?.master_key);
    // Trust IT resets: the trust forgets its identity; Synapse replaces its copy only with interactive auth.
    identities.held.clear();
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({
      outcome: 'refused',
      reason: 'password-needed',
      error: { status: 401, errcode: 'M_FORBIDDEN' },
    });
    expect(await sign(ed25519PublicKey(deviceSeed), 'wrong')).toMatchObject({
      outcome: 'refused',
      reason: 'wrong-password',
    });
    expect(singlePublicKey(synapse.upload?.master_key)).toBe(oldMaster);
    expect(await sign(ed25519PublicKey(deviceSeed), synapse.password)).toMatchObject({
      outcome: 'signed',
      published: true,
    });
    expect(singlePublicKey(synapse.upload?.master_key)).toBe(identities.held.get(userId)?.masterKey);
    expect(singlePublicKey(synapse.upload?.master_key)).not.toBe(oldMaster);
  });

  it('refuses to sign under an identity the homeserver put in place of the trust’s', async () => {
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({ outcome: 'signed' });
    const elsewhere = newCrossSigningSeeds();
    synapse.upload = {
      master_key: {
        user_id: userId,
        usage: ['master'],
        keys: { [keyId(ed25519PublicKey(elsewhere.master))]: ed25519PublicKey(elsewhere.master) },
      },
      self_signing_key: { user_id: userId, usage: ['self_signing'], keys: {} },
      user_signing_key: { user_id: userId, usage: ['user_signing'], keys: {} },
    };
    expect(await sign(ed25519PublicKey(deviceSeed))).toMatchObject({
      outcome: 'refused',
      reason: 'identity-elsewhere',
      error: { status: 409 },
    });
    // The password changes nothing: the trust never replaces an identity it published unless trust IT resets it.
    expect(await sign(ed25519PublicKey(deviceSeed), synapse.password)).toMatchObject({
      reason: 'identity-elsewhere',
    });
    expect(synapse.signaturesStored).toBe(1);
  });
});
