// Needs the real local stack: `passwords <trust>` gives the seed staff new passwords through Synapse's admin API,
// for when the first ones were never seen (a stack first started by the tests hides them). A person then logs in
// with the new one from an enrolled desktop; whoever held the old one is signed out.
import { describe, expect, inject, it } from 'vitest';
import { enrolDesktop, passwordLogin, type PasswordLogin } from './enrolledDesktop.ts';
import { stackCommand } from './stackCli.ts';

function passwordOf(output: string, userId: string): string {
  const line = output.split('\n').find((entry) => entry.trim().startsWith(`${userId} `));
  const password = line?.trim().split(/\s+/)[1];
  if (!password) throw new Error(`no password for ${userId} in the command's output`);
  return password;
}

describe('new passwords for seed staff', () => {
  const trustB = inject('stack').find((trust) => trust.name === 'trust-b');
  if (!trustB) throw new Error('trust-b is not running');
  const owen = `@owen.price:${trustB.serverName}`;

  it('lets a person log in with the new password and signs out sessions opened with the old one', async () => {
    const desktop = await enrolDesktop(trustB, 'passwords');
    const first = passwordOf(await stackCommand(['passwords', 'trust-b']), owen);
    const login = await passwordLogin(trustB, 'owen.price', first, desktop);
    expect(login.status).toBe(200);
    const session = (await login.json()) as PasswordLogin;
    expect(session.user_id).toBe(owen);

    const second = passwordOf(await stackCommand(['passwords', 'trust-b']), owen);
    expect(second).not.toBe(first);
    const whoami = await fetch(`${trustB.clientUrl}/_matrix/client/v3/account/whoami`, {
      headers: { authorization: `Bearer ${session.access_token}` },
    });
    expect(whoami.status).toBe(401);
    expect(await whoami.json()).toMatchObject({ errcode: 'M_UNKNOWN_TOKEN' });
    expect((await passwordLogin(trustB, 'owen.price', first, desktop)).status).toBe(403);
    expect((await passwordLogin(trustB, 'owen.price', second, desktop)).status).toBe(200);
  });

  it('says which trust is unknown', async () => {
    await expect(stackCommand(['passwords', 'no-such-trust'])).rejects.toThrow(
      /unknown local trust "no-such-trust"/,
    );
  });
});
