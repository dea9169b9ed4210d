// A full Matrix address typed into "Find people" (@localpart:server), and whether it is at a partner trust.
const userIdPattern = /^@[a-z0-9._=\-/+]+:[a-z0-9.-]+(?::\d{1,5})?$/;

export function typedUserId(typed: string): string | null {
  const text = typed.trim().toLowerCase();
  return userIdPattern.test(text) ? text : null;
}

export function serverOf(userId: string): string {
  return userId.slice(userId.indexOf(':') + 1);
}
