// Clinicians' cross-signing identities in Bleep's database. The first desktop of a clinician to ask makes the
// identity; two desktops asking at once get the same one (the insert that loses the race reads the winner's).
import type { Pool } from 'pg';
import { ed25519PublicKey } from './ed25519Keys.ts';
import { newCrossSigningSeeds, type CrossSigningSeeds } from './crossSigningIdentity.ts';
import { openSeeds, sealSeeds } from './identitySealing.ts';

export type HeldIdentity = Readonly<{
  userId: string;
  seeds: CrossSigningSeeds;
  masterKey: string;
  selfSigningKey: string;
  publishedAt: Date | null;
}>;

export interface IdentityStore {
  /** The clinician's identity, made now if they have none. */
  findOrCreate(userId: string): Promise<HeldIdentity>;
  /** Records that Synapse holds the identity's public keys. */
  markPublished(userId: string): Promise<void>;
}

type IdentityRow = {
  master_key: string;
  self_signing_key: string;
  sealed_seeds: Buffer;
  published_at: Date | null;
};

export function createIdentityStore(
  input: Readonly<{ pool: Pool; sealingKey: Buffer; clock?: () => Date }>,
): IdentityStore {
  const { pool, sealingKey } = input;
  const clock = input.clock ?? (() => new Date());

  function held(userId: string, row: IdentityRow): HeldIdentity {
    const seeds = openSeeds(sealingKey, userId, row.sealed_seeds);
    return {
      userId,
      seeds,
      masterKey: row.master_key,
      selfSigningKey: row.self_signing_key,
      publishedAt: row.published_at,
    };
  }

  async function heldRow(userId: string): Promise<IdentityRow | undefined> {
    const { rows } = await pool.query<IdentityRow>(
      `SELECT master_key, self_signing_key, sealed_seeds, published_at
         FROM bleep_clinician_identity WHERE user_id = $1`,
      [userId],
    );
    return rows[0];
  }

  return {
    async findOrCreate(userId) {
      const found = await heldRow(userId);
      if (found) return held(userId, found);
      // Keys are made only for a clinician with none; of two desktops asking at once, the second insert does nothing
      // and both read the first one's.
      const seeds = newCrossSigningSeeds();
      await pool.query(
        `INSERT INTO bleep_clinician_identity (user_id, master_key, self_signing_key, sealed_seeds, created_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING`,
        [
          userId,
          ed25519PublicKey(seeds.master),
          ed25519PublicKey(seeds.selfSigning),
          sealSeeds(sealingKey, userId, seeds),
          clock(),
        ],
      );
      const made = await heldRow(userId);
      if (!made) throw new Error('the clinician identity just stored is not there');
      return held(userId, made);
    },
    async markPublished(userId) {
      await pool.query(
        'UPDATE bleep_clinician_identity SET published_at = $2 WHERE user_id = $1 AND published_at IS NULL',
        [userId, clock()],
      );
    },
  };
}
