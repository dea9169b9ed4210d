// Needs the real local stack (trust-a: chroot Synapse behind its policy gateway, PostgreSQL, the trust's staff
// directory seeded by the runner) and Debian's Chromium. A nurse uses the renderer: finds a colleague in the staff
// directory by department and starts a direct conversation; answers two invitations from a colleague (a Node core),
// declining one and accepting the other; and sees an urgent message arrive in another conversation as a marker and an
// unread count. Judged by what Synapse holds (memberships, m.direct, encryption) and what the screen shows.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { textMessageContent } from '../../core/rooms/textMessageContent.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import type { RendererServer } from '../../serve/rendererServer.ts';
import { eventually, signedInDesktop, type StaffAccount } from '../integration/bleepDesktop.testkit.ts';
import {
  serveRenderer,
  shown,
  shownNotifications,
  showsText,
  signedInWindow,
  type BleepWindow,
} from './rendererDesktop.testkit.ts';

let trustA: RunningTrust;
let server: RendererServer;
let nurse: BleepWindow & Readonly<{ account: StaffAccount }>;
let colleague: { core: BleepSession; account: StaffAccount };
const amelia = (trust: RunningTrust) => `@amelia.hart:${trust.serverName}`;

async function query<T extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: trustA.databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

async function membership(roomId: string, userId: string): Promise<string | undefined> {
  const rows = await query<{ membership: string }>(
    'SELECT membership FROM local_current_membership WHERE room_id = $1 AND user_id = $2',
    [roomId, userId],
  );
  return rows[0]?.membership;
}

beforeAll(async () => {
  trustA = trustNamed(inject('stack'), 'trust-a');
  server = await serveRenderer([trustA]);
  [nurse, colleague] = await Promise.all([
    signedInWindow(server.url, trustA, 'nurse', '482913', { recordNotifications: true }),
    signedInDesktop(trustA, 'registrar'),
  ]);
});

afterAll(async () => {
  await nurse.close();
  colleague.core.stop();
  await server.close();
});

describe('conversations within the trust, in the renderer', () => {
  it('finds a colleague by department and starts an encrypted direct conversation with her', async () => {
    const page = nurse.page;
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel('Find people').fill('cardiology');
    const found = page.getByRole('button', { name: /Dr Amelia Hart/ });
    await shown(found);
    await showsText(found, 'Consultant Cardiologist');
    await found.click();
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await showsText(page.getByRole('heading', { level: 1 }), 'Dr Amelia Hart');

    const rooms = await eventually('Synapse to hold the invitation', async () => {
      const rows = await query<{ room_id: string }>(
        `SELECT room_id FROM local_current_membership WHERE user_id = $1 AND membership = 'invite'
           AND room_id IN (SELECT room_id FROM local_current_membership WHERE user_id = $2)`,
        [amelia(trustA), nurse.account.userId],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(rooms).toHaveLength(1);
    const roomId = rooms?.[0]?.room_id ?? '';
    const encryption = await query<{ type: string }>(
      `SELECT type FROM current_state_events WHERE room_id = $1 AND type = 'm.room.encryption'`,
      [roomId],
    );
    expect(encryption).toHaveLength(1);
    const direct = await query<{ content: string }>(
      `SELECT content FROM account_data WHERE user_id = $1 AND account_data_type = 'm.direct'`,
      [nurse.account.userId],
    );
    expect(JSON.parse(direct[0]?.content ?? '{}')).toEqual({ [amelia(trustA)]: [roomId] });
  });

  it('declines one invitation and accepts another, and Synapse holds each answer', async () => {
    const declined = await colleague.core.rooms.openRoom({
      name: 'Rota swap',
      invite: [nurse.account.userId],
    });
    const accepted = await colleague.core.rooms.openRoom({
      name: 'Ward 12 handover',
      invite: [nurse.account.userId],
    });
    const page = nurse.page;
    const rota = page.getByRole('listitem', { name: 'Invitation: Rota swap' });
    await shown(rota);
    await rota.getByRole('button', { name: 'Decline' }).click();
    const handover = page.getByRole('listitem', { name: 'Invitation: Ward 12 handover' });
    await handover.getByRole('button', { name: 'Accept' }).click();
    await showsText(page.getByRole('heading', { level: 1 }), 'Ward 12 handover');
    await eventually('Synapse to hold both answers', async () =>
      (await membership(declined, nurse.account.userId)) === 'leave' &&
      (await membership(accepted, nurse.account.userId)) === 'join'
        ? true
        : undefined,
    );
    await page.getByRole('listitem', { name: 'Invitation: Rota swap' }).waitFor({ state: 'detached' });
  });

  it('shows an urgent message in another conversation as a marker, an unread count and a notification', async () => {
    const page = nurse.page;
    // The nurse looks at the direct conversation while the handover room receives an urgent message.
    await page.getByRole('button', { name: /Dr Amelia Hart/ }).click();
    const handoverId = (
      await query<{ room_id: string }>(
        `SELECT room_id FROM room_stats_state WHERE name = 'Ward 12 handover' AND room_id IN
           (SELECT room_id FROM local_current_membership WHERE user_id = $1 AND membership = 'join')`,
        [nurse.account.userId],
      )
    )[0]?.room_id;
    expect(handoverId).toBeDefined();
    await eventually('the colleague to see the nurse joined', () =>
      (colleague.core.store.getState().rooms.byId[handoverId ?? '']?.joinedMembers ?? 0) === 2
        ? true
        : undefined,
    );
    await colleague.core.delivery.write(
      handoverId ?? '',
      'm.room.message',
      textMessageContent('Bed 9 NEWS2 7, please come now', { urgent: true }),
    );
    const entry = page.getByRole('button', { name: /Ward 12 handover/ });
    await showsText(entry, 'Urgent');
    await shown(entry.getByLabel('1 unread'));
    // Notified as trust A's policy says (content 'none'): that something urgent came, not who sent it or what it says.
    expect(await shownNotifications(page)).toEqual([{ title: 'Bleep', body: 'New urgent message' }]);
    await entry.click();
    await showsText(page.getByRole('article').filter({ hasText: 'Bed 9 NEWS2 7' }), 'Urgent');
    // Opened and read: the marker and the count go.
    await eventually('the marker to go', async () =>
      (await entry.textContent())?.includes('Urgent') ? undefined : true,
    );
  });
});

describe('the idle lock, in the renderer', () => {
  it("locks after the policy's idle minutes with nothing readable, and opens with the PIN", async () => {
    const idle = await signedInWindow(server.url, trustA, 'porter', '918273', { fakeClock: true });
    try {
      const page = idle.page;
      // Trust A's policy: idleLockMinutes 5. Four minutes of nothing does not lock.
      await page.clock.fastForward('04:00');
      await page.getByRole('button', { name: 'New conversation' }).waitFor({ state: 'visible' });
      await page.clock.fastForward('01:10');
      await shown(page.getByRole('button', { name: 'Unlock' }));
      expect(await page.getByRole('button', { name: 'New conversation' }).count()).toBe(0);
      await page.getByLabel('PIN', { exact: true }).fill('918273');
      await page.getByRole('button', { name: 'Unlock' }).click();
      await shown(page.getByRole('button', { name: 'New conversation' }));
    } finally {
      await idle.close();
    }
  });
});
