// Bleep's own tables in a trust's database, and who may do what with them. The schema is made by the database's
// owner in a deploy step (`bleep-policy migrate`), never by the gateway: the gateway's role only reads and appends
// to the audit trail, so it cannot disable the trail's append-only trigger, rewrite rows or drop the table (a
// table's owner could). Services check at start that the schema is there and say how to make it if not.
import type { Pool } from 'pg';
import { migrateAuditSchema } from '../audit/auditSchema.ts';
import { migrateEnrolmentSchema } from '../enrolment/enrolmentSchema.ts';
import { migrateExpirySchema } from '../expiry/expirySchema.ts';
import { migrateIdentitySchema } from '../identity/identitySchema.ts';
import { migrateStaffDirectorySchema } from '../staffDirectory/staffDirectorySchema.ts';
import { migrateAcceptedDirectorySchema } from '../trustDirectory/acceptedDirectory.ts';

export const auditTables = ['bleep_audit'] as const;
export const enrolmentTables = ['bleep_device_enrolment', 'bleep_device_login'] as const;
export const directoryTables = ['bleep_accepted_directory'] as const;
export const expiryTables = ['bleep_expiry_report'] as const;
export const identityTables = ['bleep_clinician_identity'] as const;
export const staffTables = ['bleep_staff_member'] as const;

export class BleepSchemaError extends Error {
  override readonly name = 'BleepSchemaError';
}

/** Creates or updates every Bleep table. Run as the database's owner. */
export async function migrateBleepSchema(pool: Pool): Promise<void> {
  await migrateAuditSchema(pool);
  await migrateEnrolmentSchema(pool);
  await migrateAcceptedDirectorySchema(pool);
  await migrateExpirySchema(pool);
  await migrateIdentitySchema(pool);
  await migrateStaffDirectorySchema(pool);
}

function roleIdentifier(role: string): string {
  // Role names come from deploy configuration; anything but a plain identifier is refused, not quoted.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new BleepSchemaError(`not a plain role name: "${role}"`);
  return role;
}

/**
 * What the gateway and trust IT's command need, and no more: read and append the audit trail (no UPDATE, DELETE
 * or TRUNCATE, and not the owner), read and write enrolments and the accepted directory's high-water mark, and
 * write desktops' expiry reports (reading back only which desktops have one: its UPDATE's WHERE needs that), and
 * make and read clinicians' sealed cross-signing identities (never rewrite one: only mark it published, or delete it
 * when trust IT resets it; the gateway itself never deletes, but shares this role with trust IT's command for now),
 * and keep the staff directory (trust IT's command sets and removes entries; the gateway only searches it).
 */
export async function grantServiceAccess(pool: Pool, role: string): Promise<void> {
  const id = roleIdentifier(role);
  await pool.query(`
    REVOKE ALL ON ${[...auditTables, ...enrolmentTables, ...directoryTables, ...expiryTables, ...identityTables, ...staffTables].join(', ')} FROM ${id};
    -- PostgreSQL 15 and later already keep other roles from creating tables in public; older ones do not.
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    GRANT USAGE ON SCHEMA public TO ${id};
    GRANT SELECT, INSERT ON ${auditTables.join(', ')} TO ${id};
    GRANT SELECT, INSERT, UPDATE ON ${[...enrolmentTables, ...directoryTables].join(', ')} TO ${id};
    GRANT INSERT, UPDATE, SELECT (user_id, device_id) ON ${expiryTables.join(', ')} TO ${id};
    GRANT SELECT, INSERT, DELETE, UPDATE (published_at) ON ${identityTables.join(', ')} TO ${id};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ${staffTables.join(', ')} TO ${id};
  `);
}

/** Throws a BleepSchemaError naming the missing tables and the command that makes them. */
export async function requireTables(pool: Pool, tables: readonly string[]): Promise<void> {
  const { rows } = await pool.query<{ name: string }>(
    'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NULL',
    [tables],
  );
  if (rows.length > 0) {
    throw new BleepSchemaError(
      `Bleep's database has no ${rows.map((row) => row.name).join(', ')}: run \`bleep-policy migrate\` as the database's owner first`,
    );
  }
}
