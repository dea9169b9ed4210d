// The record of which desktops trust IT enrolled: one-time codes, device credentials, revocations and who
// signed in where. The one place that decides whether a device may log in.
import { randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { isDeviceId } from './deviceId.ts';
import { enrolmentRefusal, type EnrolmentRefusal, type EnrolmentRefusalReason } from './enrolmentRefusal.ts';
import {
  hashEnrolmentCode,
  hashesMatch,
  newDeviceCredential,
  newEnrolmentCode,
  sha256,
  type EnrolmentCode,
} from './enrolmentSecrets.ts';
import { liveCodeIndex } from './enrolmentSchema.ts';
import { inTransaction } from '../database/inTransaction.ts';

export type Clock = () => Date;

/** 72 hours: long enough for IT to hand a code to a ward over a weekend, short enough that a lost one dies. */
export const defaultCodeLifetimeHours = 72;

export type EnrolmentState = 'awaiting-code' | 'code-expired' | 'enrolled' | 'revoked';

/** One enrolment as trust IT sees it: never a code or a credential. */
export type DeviceEnrolmentSummary = Readonly<{
  deviceId: string;
  label: string | null;
  state: EnrolmentState;
  createdBy: string;
  codeExpiresAt: Date | null;
  enrolledAt: Date | null;
  revokedAt: Date | null;
  lastLoginAt: Date | null;
}>;

export type IssuedEnrolmentCode = Readonly<{ ok: true; deviceId: string; code: string; expiresAt: Date }>;
/** The device the code was issued for (found from the code when the desktop did not name it), and its credential. */
export type RedeemedEnrolmentCode = Readonly<{ ok: true; deviceId: string; credential: string }>;
export type DeviceRevoked = Readonly<{ ok: true; revokedAt: Date; userIds: readonly string[] }>;

export interface EnrolmentStore {
  /**
   * Issues a one-time code for a new device, a device whose code has not been redeemed yet, or a revoked device
   * (which clears the revocation: this explicit call by IT is the only way back). A device that is enrolled and
   * not revoked is refused, so a second code can never quietly sit beside a working credential.
   */
  createEnrolment(
    deviceId: string,
    options: Readonly<{ label?: string | undefined; createdBy: string }>,
  ): Promise<
    | IssuedEnrolmentCode
    | EnrolmentRefusal<
        'INVALID_DEVICE_ID' | 'INVALID_LABEL' | 'INVALID_CREATED_BY' | 'DEVICE_ALREADY_ENROLLED'
      >
  >;
  /**
   * Exchanges the one-time code for the device credential, once: of concurrent attempts, exactly one wins. With
   * deviceId '' the device is the one whose pending code this is (a person types only the code). An unknown or
   * revoked device, a wrong code, a code nobody holds and a used one are all BAD_ENROLMENT_CODE, told apart only
   * by auditReason.
   */
  redeemCode(
    deviceId: string,
    code: string,
  ): Promise<
    | RedeemedEnrolmentCode
    | EnrolmentRefusal<'INVALID_DEVICE_ID' | 'BAD_ENROLMENT_CODE' | 'ENROLMENT_CODE_EXPIRED'>
  >;
  /**
   * Whether a login naming this device and carrying this credential may go on to Synapse. An unknown device, one
   * awaiting its code, a revoked one and a wrong or missing credential are all DEVICE_LOGIN_REFUSED, told apart
   * only by auditReason.
   */
  checkLogin(
    deviceId: string,
    credential: string | undefined,
  ): Promise<
    | Readonly<{ ok: true }>
    | EnrolmentRefusal<'DEVICE_ID_MISSING' | 'INVALID_DEVICE_ID' | 'DEVICE_LOGIN_REFUSED'>
  >;
  /** Remembers that a user signed in on an enrolled device; logins naming an unknown device are not kept. */
  recordLogin(deviceId: string, userId: string): Promise<void>;
  /** The enrolled, unrevoked device a credential belongs to (credentials are random, so their hash finds it). */
  deviceOfCredential(credential: string): Promise<string | undefined>;
  /**
   * Marks a device revoked (its credential stops working at once, an unused code dies) and returns everyone who
   * ever signed in on it. Revoking again keeps the first revocation time and returns the users again, so IT can
   * retry signing them out.
   */
  revoke(deviceId: string): Promise<DeviceRevoked | EnrolmentRefusal<'DEVICE_NOT_ENROLLED'>>;
  list(): Promise<DeviceEnrolmentSummary[]>;
  /** Users who have signed in on the device, in order. */
  usersOf(deviceId: string): Promise<string[]>;
}

export type EnrolmentStoreDeps = Readonly<{
  pool: Pool;
  clock: Clock;
  codeLifetimeHours?: number;
  /** Makes a new code (a test gives codes that collide; the default is 80 random bits). */
  newCode?: () => EnrolmentCode;
}>;

/**
 * A code is looked up by its hash alone, so no two stored codes may be equal (a unique index). With 80 random bits a
 * collision is all but impossible; a new code is drawn if one happens, and a fourth in a row means the generator
 * is broken, which must stop the issue rather than loop.
 */
const codeDraws = 4;

const maxLabelLength = 200;
// Matrix user IDs are at most 255 bytes; nothing longer (nor a NUL) can have come from Synapse's own answer.
const maxUserIdLength = 255;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const controlCharacters = /[\u0000-\u001f\u007f]/;
// Compared against when there is no stored hash (no such device, no credential or code yet), so a refusal takes
// the same work whether or not the device ID exists. Random, so no secret can match it.
const unmatchableHash = randomBytes(32);

type EnrolmentRow = {
  device_id: string;
  label: string | null;
  code_expires_at: Date | null;
  enrolled_at: Date | null;
  revoked_at: Date | null;
  created_by: string;
  last_login_at: Date | null;
};

function stateOf(row: EnrolmentRow, now: Date): EnrolmentState {
  if (row.revoked_at) return 'revoked';
  if (row.enrolled_at) return 'enrolled';
  if (row.code_expires_at && row.code_expires_at > now) return 'awaiting-code';
  return 'code-expired';
}

/**
 * Text PostgreSQL stores as given and a terminal shows as it is: well-formed UTF-16 (a lone surrogate would be
 * stored as U+FFFD), no control characters (NUL among them, which PostgreSQL refuses), at most `maxLength`.
 */
function isPlainText(text: string, maxLength: number): boolean {
  return text.length <= maxLength && text.isWellFormed() && !controlCharacters.test(text);
}

/** Why a login must be refused, or undefined when the credential is the enrolled device's own. */
function loginRefusalReason(
  row: Readonly<{ credential_hash: Buffer | null; revoked_at: Date | null }> | undefined,
  credential: string | undefined,
): EnrolmentRefusalReason | undefined {
  // Hashed and compared whatever the row holds, so the time taken does not say whether the device exists.
  const matches = hashesMatch(sha256(credential ?? ''), row?.credential_hash ?? unmatchableHash);
  if (!row) return 'DEVICE_UNKNOWN';
  if (row.revoked_at) return 'DEVICE_REVOKED';
  // A code issued but not yet redeemed is not an enrolment.
  if (!row.credential_hash) return 'DEVICE_AWAITING_CODE';
  if (credential === undefined || credential === '') return 'CREDENTIAL_MISSING';
  return matches ? undefined : 'CREDENTIAL_MISMATCH';
}

/** Why a presented code must be refused, or undefined when it is the device's pending code. */
function codeRefusalReason(
  row: Readonly<{ code_hash: Buffer | null; revoked_at: Date | null }> | undefined,
  presented: Buffer,
): EnrolmentRefusalReason | undefined {
  // As for logins: compared whatever the row holds.
  const matches = hashesMatch(presented, row?.code_hash ?? unmatchableHash);
  if (!row) return 'DEVICE_UNKNOWN';
  if (row.revoked_at) return 'DEVICE_REVOKED';
  if (!row.code_hash) return 'NO_CODE_PENDING';
  return matches ? undefined : 'CODE_MISMATCH';
}

export function createEnrolmentStore(deps: EnrolmentStoreDeps): EnrolmentStore {
  const { pool, clock } = deps;
  const codeLifetimeMs = (deps.codeLifetimeHours ?? defaultCodeLifetimeHours) * 3_600_000;
  const drawCode = deps.newCode ?? (() => newEnrolmentCode());

  async function usersOf(deviceId: string): Promise<string[]> {
    if (!isDeviceId(deviceId)) return [];
    const found = await pool.query<{ user_id: string }>(
      'SELECT user_id FROM bleep_device_login WHERE device_id = $1 ORDER BY user_id',
      [deviceId],
    );
    return found.rows.map((row) => row.user_id);
  }

  /** Stores a new code for the device; false when it is enrolled and not revoked (it needs no code). */
  async function issueCode(
    deviceId: string,
    label: string,
    hash: Buffer,
    expiresAt: Date,
    createdBy: string,
  ): Promise<boolean> {
    // One statement, so two IT staff enrolling the same device at once cannot both get a code that works.
    // Login history is kept on re-enrolment: a sign-out that failed at revocation is retried by the next one.
    const result = await pool.query(
      `INSERT INTO bleep_device_enrolment (device_id, label, code_hash, code_expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id) DO UPDATE SET
         label = COALESCE(EXCLUDED.label, bleep_device_enrolment.label),
         code_hash = EXCLUDED.code_hash,
         code_expires_at = EXCLUDED.code_expires_at,
         credential_hash = NULL,
         enrolled_at = NULL,
         revoked_at = NULL,
         created_by = EXCLUDED.created_by
       WHERE bleep_device_enrolment.enrolled_at IS NULL OR bleep_device_enrolment.revoked_at IS NOT NULL`,
      [deviceId, label === '' ? null : label, hash, expiresAt, createdBy],
    );
    return result.rowCount !== 0;
  }

  return {
    async createEnrolment(deviceId, { label, createdBy }) {
      if (!isDeviceId(deviceId)) return enrolmentRefusal('INVALID_DEVICE_ID');
      const trimmedLabel = label?.trim() ?? '';
      if (!isPlainText(trimmedLabel, maxLabelLength)) return enrolmentRefusal('INVALID_LABEL');
      if (createdBy.trim() === '' || !isPlainText(createdBy, maxLabelLength)) {
        return enrolmentRefusal('INVALID_CREATED_BY');
      }
      const expiresAt = new Date(clock().getTime() + codeLifetimeMs);
      for (let draw = 1; ; draw += 1) {
        const { code, hash } = drawCode();
        try {
          const issued = await issueCode(deviceId, trimmedLabel, hash, expiresAt, createdBy);
          if (!issued) return enrolmentRefusal('DEVICE_ALREADY_ENROLLED');
          return { ok: true, deviceId, code, expiresAt };
        } catch (error) {
          const clash = (error as { code?: unknown; constraint?: unknown }).constraint === liveCodeIndex;
          if (!clash || draw >= codeDraws) throw error;
        }
      }
    },

    async redeemCode(deviceId, code) {
      // Told apart from the uniform refusal: it depends on the text alone, not on what is enrolled.
      if (deviceId !== '' && !isDeviceId(deviceId)) return enrolmentRefusal('INVALID_DEVICE_ID');
      const presented = hashEnrolmentCode(code);
      // Decided by the text alone, before any lookup: it says nothing about the device.
      if (presented === undefined) return enrolmentRefusal('BAD_ENROLMENT_CODE', 'CODE_MALFORMED');
      return inTransaction(pool, async (client) => {
        // FOR UPDATE makes concurrent redeems of one device queue here; each later one sees the code gone. Without
        // a device id the code's hash finds the device (codes are unique while stored: liveCodeIndex), and a
        // revoked device never has one (revoke clears it).
        const found = await client.query<{
          device_id: string;
          code_hash: Buffer | null;
          code_expires_at: Date | null;
          revoked_at: Date | null;
        }>(
          deviceId === ''
            ? `SELECT device_id, code_hash, code_expires_at, revoked_at FROM bleep_device_enrolment
               WHERE code_hash = $1 FOR UPDATE`
            : `SELECT device_id, code_hash, code_expires_at, revoked_at FROM bleep_device_enrolment
               WHERE device_id = $1 FOR UPDATE`,
          [deviceId === '' ? presented : deviceId],
        );
        const row = found.rows[0];
        const refusedBecause = deviceId === '' && !row ? 'CODE_UNKNOWN' : codeRefusalReason(row, presented);
        // code_expires_at is there whenever code_hash is (a CHECK on the table); tested for the type checker.
        if (refusedBecause !== undefined || !row?.code_expires_at) {
          return enrolmentRefusal('BAD_ENROLMENT_CODE', refusedBecause ?? 'NO_CODE_PENDING');
        }
        // Checked only after the code matched, so "expired" tells nobody but the code's holder anything.
        const now = clock();
        if (row.code_expires_at <= now) return enrolmentRefusal('ENROLMENT_CODE_EXPIRED');
        const credential = newDeviceCredential();
        await client.query(
          `UPDATE bleep_device_enrolment
           SET code_hash = NULL, code_expires_at = NULL, credential_hash = $2, enrolled_at = $3
           WHERE device_id = $1`,
          [row.device_id, sha256(credential), now],
        );
        return { ok: true as const, deviceId: row.device_id, credential };
      });
    },

    async checkLogin(deviceId, credential) {
      if (deviceId === '') return enrolmentRefusal('DEVICE_ID_MISSING');
      if (!isDeviceId(deviceId)) return enrolmentRefusal('INVALID_DEVICE_ID');
      const found = await pool.query<{ credential_hash: Buffer | null; revoked_at: Date | null }>(
        'SELECT credential_hash, revoked_at FROM bleep_device_enrolment WHERE device_id = $1',
        [deviceId],
      );
      const refusedBecause = loginRefusalReason(found.rows[0], credential);
      if (refusedBecause) return enrolmentRefusal('DEVICE_LOGIN_REFUSED', refusedBecause);
      return { ok: true };
    },

    async deviceOfCredential(credential) {
      if (credential === '') return undefined;
      const found = await pool.query<{ device_id: string }>(
        'SELECT device_id FROM bleep_device_enrolment WHERE credential_hash = $1 AND revoked_at IS NULL',
        [sha256(credential)],
      );
      return found.rows[0]?.device_id;
    },

    async recordLogin(deviceId, userId) {
      // Only enrolled devices: with enrolment switched off by policy the gateway still reports every login, and
      // this table must not fill with device IDs nobody enrolled (nor could one that is no device ID be enrolled).
      if (!isDeviceId(deviceId) || !isPlainText(userId, maxUserIdLength)) return;
      await pool.query(
        `INSERT INTO bleep_device_login (device_id, user_id, last_login_at)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM bleep_device_enrolment WHERE device_id = $1)
         ON CONFLICT (device_id, user_id) DO UPDATE SET last_login_at = EXCLUDED.last_login_at`,
        [deviceId, userId, clock()],
      );
    },

    async revoke(deviceId) {
      if (!isDeviceId(deviceId)) return enrolmentRefusal('DEVICE_NOT_ENROLLED', 'INVALID_DEVICE_ID');
      const updated = await pool.query<{ revoked_at: Date }>(
        `UPDATE bleep_device_enrolment
         SET revoked_at = COALESCE(revoked_at, $2), code_hash = NULL, code_expires_at = NULL
         WHERE device_id = $1
         RETURNING revoked_at`,
        [deviceId, clock()],
      );
      const row = updated.rows[0];
      if (!row) return enrolmentRefusal('DEVICE_NOT_ENROLLED');
      return { ok: true, revokedAt: row.revoked_at, userIds: await usersOf(deviceId) };
    },

    async list() {
      const found = await pool.query<EnrolmentRow>(
        `SELECT e.device_id, e.label, e.code_expires_at, e.enrolled_at, e.revoked_at, e.created_by,
                (SELECT max(l.last_login_at) FROM bleep_device_login l WHERE l.device_id = e.device_id)
                  AS last_login_at
         FROM bleep_device_enrolment e
         ORDER BY e.device_id`,
      );
      const now = clock();
      return found.rows.map((row) => ({
        deviceId: row.device_id,
        label: row.label,
        state: stateOf(row, now),
        createdBy: row.created_by,
        codeExpiresAt: row.code_expires_at,
        enrolledAt: row.enrolled_at,
        revokedAt: row.revoked_at,
        lastLoginAt: row.last_login_at,
      }));
    },

    usersOf,
  };
}
