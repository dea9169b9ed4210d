// What an entry in the staff directory is, and the one check every way one arrives goes through (trust IT's
// command, an import file): a Matrix user id, and a name, role and department a colleague can read. Every field is
// served to every clinician of the trust, so none may carry control characters or an NHS number.
import { containsNhsNumber } from '../nhsNumber/nhsNumber.ts';

export type StaffMember = Readonly<{
  userId: string;
  displayName: string;
  role: string;
  department: string;
}>;

export type StaffMemberProblem = Readonly<{ field: keyof StaffMember; message: string }>;

const maxFieldLength = 200;
// Matrix user ids are at most 255 bytes: '@', a lower-case localpart, ':', the server name (and a port).
const userIdPattern = /^@[a-z0-9._=/+-]+:[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/;

export function isMatrixUserId(text: string): boolean {
  return text.length <= 255 && userIdPattern.test(text);
}

/** The server part of a user id: whose trust the clinician belongs to. */
export function serverNameOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1);
}

/** The entry with its text fields trimmed, or what is wrong with it. */
export function checkStaffMember(
  member: StaffMember,
): Readonly<{ ok: true; member: StaffMember }> | Readonly<{ ok: false; problem: StaffMemberProblem }> {
  if (!isMatrixUserId(member.userId)) {
    return {
      ok: false,
      problem: { field: 'userId', message: 'a Matrix user id such as @amelia.hart:matrix.northgate.nhs.uk' },
    };
  }
  const trimmed = {
    userId: member.userId,
    displayName: member.displayName.trim(),
    role: member.role.trim(),
    department: member.department.trim(),
  };
  for (const field of ['displayName', 'role', 'department'] as const) {
    const text = trimmed[field];
    if (text === '' || text.length > maxFieldLength || !text.isWellFormed() || controlCharacters.test(text)) {
      return {
        ok: false,
        problem: { field, message: `1 to ${maxFieldLength} characters, with no control characters` },
      };
    }
    // The directory is for finding colleagues; a patient's number typed into it would be shown trust-wide.
    if (containsNhsNumber(text)) {
      return { ok: false, problem: { field, message: 'must not hold an NHS number' } };
    }
  }
  return { ok: true, member: trimmed };
}

/** How a search compares text: Unicode-normalised (NFKC) and lower-cased, so "ZOË" finds "Zoë". */
export function searchForm(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
