// Needs the real local stack (trust-a: chroot Synapse behind its policy gateway, PostgreSQL). A refresh token copied
// off an enrolled desktop renews nothing from a machine that is not an enrolled desktop: the gateway asks for an
// enrolled desktop's credential before Synapse hears of it. Judged by what comes back (no token) and by what
// Synapse's refresh_tokens table holds.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { keptSecrets, signedInDesktop, type StaffAccount } from './bleepDesktop.testkit.ts';
import { queryDatabase } from './synapseDatabase.testkit.ts';

type Kept = Readonly<{ refreshToken?: string; deviceId: string }>;

async function refreshTokenRows(trust: RunningTrust, userId: string): Promise<number> {
  const rows = await queryDatabase<{ count: string }>(
    trust.databaseUrl,
    'SELECT count(*) FROM refresh_tokens WHERE user_id = $1',
    [userId],
  );
  return Number(rows[0]?.count ?? 0);
}

describe('a refresh token copied off an enrolled desktop', () => {
  let trust: RunningTrust;
  let holder: Readonly<{ core: BleepSession; account: StaffAccount; deviceId: string }>;
  let refreshToken: string;

  beforeAll(async () => {
    trust = trustNamed(inject('stack'), 'trust-a');
    const desktop = await signedInDesktop(trust, 'refresh-holder');
    holder = desktop;
    const kept = JSON.parse(new TextDecoder().decode((await keptSecrets(desktop.files)).session)) as Kept;
    if (!kept.refreshToken) throw new Error('the desktop keeps no refresh token');
    refreshToken = kept.refreshToken;
  });

  afterAll(() => {
    holder.core.stop();
  });

  async function refresh(headers: Record<string, string>) {
    const response = await fetch(`${trust.clientUrl}/_matrix/client/v3/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ refresh_token: refreshToken }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('renews nothing without an enrolled desktop’s credential: Synapse is not even asked', async () => {
    const before = await refreshTokenRows(trust, holder.account.userId);
    const attempts: Record<string, string>[] = [
      {},
      { 'x-bleep-device-credential': '' },
      { 'x-bleep-device-credential': 'not-one' },
    ];
    for (const headers of attempts) {
      const answer = await refresh(headers);
      expect(answer.status).toBe(403);
      expect(answer.body['uk.nhs.bleep.rule']).toBe('device-enrolment');
      expect(answer.body.access_token).toBeUndefined();
    }
    expect(await refreshTokenRows(trust, holder.account.userId)).toBe(before);
    // The desktop the token was copied from carries on.
    expect(await holder.core.rooms.openRoom({ name: 'Still here', invite: [] })).toMatch(/^!/);
  });
});
