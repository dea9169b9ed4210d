// Seed staff accounts for a local trust: people a demonstrator can log in as, each listed in the trust's staff
// directory (so colleagues find them by name, role and department). Passwords are random, printed once by the
// runner and stored nowhere; `passwords <trust>` sets new ones (as trust IT resets a forgotten one).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerUser, RegistrationError } from '@bleep/policy-module';
import { runBleepPolicy } from './bleepPolicyProcess.ts';

export type StaffMember = Readonly<{
  username: string;
  displayName: string;
  role: string;
  department: string;
}>;

/** A small ward and clinic roster per trust; localparts are the trust's usual first.last form. */
export const seedStaffByTrust: Readonly<Record<string, readonly StaffMember[]>> = {
  'trust-a': [
    {
      username: 'amelia.hart',
      displayName: 'Dr Amelia Hart',
      role: 'Consultant Cardiologist',
      department: 'Cardiology',
    },
    {
      username: 'tom.okafor',
      displayName: 'Dr Tom Okafor',
      role: 'Registrar (ST4)',
      department: 'Acute Medicine',
    },
    {
      username: 'grace.lindqvist',
      displayName: 'Grace Lindqvist',
      role: 'Ward Sister',
      department: 'Ward 12 (Cardiology)',
    },
    { username: 'sam.patel', displayName: 'Sam Patel', role: 'Clinical Pharmacist', department: 'Pharmacy' },
  ],
  'trust-b': [
    {
      username: 'rachel.mensah',
      displayName: 'Dr Rachel Mensah',
      role: 'Consultant Cardiothoracic Surgeon',
      department: 'Cardiothoracic Surgery',
    },
    {
      username: 'owen.price',
      displayName: 'Dr Owen Price',
      role: 'Foundation Doctor (FY2)',
      department: 'Emergency Department',
    },
    {
      username: 'leila.haddad',
      displayName: 'Leila Haddad',
      role: 'Advanced Nurse Practitioner',
      department: 'Critical Care',
    },
  ],
  outsider: [],
};

export type SeededAccount = StaffMember & Readonly<{ userId: string; password: string }>;

function readablePassword(): string {
  // Four groups of base32-ish characters: easy to type from the terminal, 100+ bits.
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(20);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length] ?? 'x');
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join('')).join('-');
}

/** What seeding needs of a running trust. */
export type SeedTarget = Readonly<{
  name: string;
  serverName: string;
  synapseUrl: string;
  registrationSharedSecret: string;
  /** Bleep's database, where the staff directory is (as the gateway's role, which trust IT's command uses). */
  policyDatabaseUrl: string;
}>;

/**
 * Registers the trust's staff that do not exist yet and lists every one of them in the staff directory (at every
 * start, so a directory made before this seeding, or changed by hand, is put right); returns only the accounts
 * created now.
 */
export async function seedStaff(trust: SeedTarget): Promise<SeededAccount[]> {
  const members = seedStaffByTrust[trust.name] ?? [];
  const created: SeededAccount[] = [];
  for (const member of members) {
    const password = readablePassword();
    try {
      const user = await registerUser({
        synapseUrl: trust.synapseUrl,
        sharedSecret: trust.registrationSharedSecret,
        username: member.username,
        password,
        displayName: member.displayName,
      });
      // The seeding session is not a device anyone uses: sign it out.
      await fetch(new URL('/_matrix/client/v3/logout', trust.synapseUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${user.accessToken}` },
      });
      created.push({ ...member, userId: user.userId, password });
    } catch (error) {
      if (error instanceof RegistrationError && error.errcode === 'M_USER_IN_USE') continue;
      throw error;
    }
  }
  if (members.length > 0) await listInStaffDirectory(trust, members);
  return created;
}

/** Lists the members in the trust's staff directory through trust IT's own command (bleep-policy staff import). */
async function listInStaffDirectory(trust: SeedTarget, members: readonly StaffMember[]): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bleep-seed-staff-'));
  try {
    const file = join(dir, 'staff.json');
    const staff = members.map((member) => ({
      userId: `@${member.username}:${trust.serverName}`,
      displayName: member.displayName,
      role: member.role,
      department: member.department,
    }));
    await writeFile(file, JSON.stringify({ staff }));
    await runBleepPolicy(['staff', 'import', '--file', file, '--by', 'local-stack seeding'], {
      BLEEP_DATABASE_URL: trust.policyDatabaseUrl,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export class StaffPasswordError extends Error {
  override readonly name = 'StaffPasswordError';
}

/**
 * Gives each of the trust's existing seed staff a new password through Synapse's admin API, signing out their
 * devices (whoever knew the old one is out). Accounts that do not exist are skipped.
 */
export async function resetStaffPasswords(
  trustName: string,
  serverName: string,
  synapseUrl: string,
  adminToken: string,
): Promise<SeededAccount[]> {
  const reset: SeededAccount[] = [];
  for (const member of seedStaffByTrust[trustName] ?? []) {
    const userId = `@${member.username}:${serverName}`;
    const password = readablePassword();
    const response = await fetch(
      new URL(`/_synapse/admin/v1/reset_password/${encodeURIComponent(userId)}`, synapseUrl),
      {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ new_password: password, logout_devices: true }),
      },
    );
    if (response.status === 404) continue;
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { errcode?: string; error?: string };
      throw new StaffPasswordError(
        `Synapse refused a new password for ${userId}: ${response.status} ${body.errcode ?? ''} ${body.error ?? ''}`.trim(),
      );
    }
    reset.push({ ...member, userId, password });
  }
  return reset;
}
