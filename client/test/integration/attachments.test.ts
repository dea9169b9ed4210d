// Needs the real local stack: trust-a and trust-b (chroot Synapse behind each policy gateway, PostgreSQL), federating.
// A clinician at trust A sends a file with a patient's details in it (and a thumbnail) to a colleague at trust B. The
// file is encrypted on A's desktop before it is uploaded: both Synapses' media stores (A's upload, B's federation
// cache, found through their databases) hold only ciphertext, with no name and no type. B's desktop keeps the file
// sealed in its archive before the message shows, and reads it back identical after a restart; no file of either
// desktop holds the plaintext. Once the message is past clientDays (a clock the test moves), the sweep deletes the
// file and thumbnail with it.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localLayout } from '../../../deploy/local/src/localLayout.ts';
import type { RunningTrust } from '../../../deploy/local/src/stackStatus.ts';
import { trustFiles } from '../../../deploy/local/src/trustFiles.ts';
import { trustNamed } from '../../../deploy/test/integration/stackInfo.ts';
import { dayMs } from '../../core/expiry/expirySweep.ts';
import type { BleepSession } from '../../core/session/createBleepSession.ts';
import { selectTimeline } from '../../core/stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import {
  eventually,
  filesContaining,
  signedInDesktop,
  startCore,
  type DesktopFiles,
  type StaffAccount,
} from './bleepDesktop.testkit.ts';
import { queryDatabase } from './synapseDatabase.testkit.ts';

const tag = crypto.randomUUID().slice(0, 8);
const letterText = [
  `Discharge summary ${tag}`,
  'Patient: Edith Crawley, DOB 03/07/1941, NHS 943 476 5919',
  'Diagnosis: community-acquired pneumonia. Co-amoxiclav 625 mg TDS for 5 days.',
].join('\n');
const letter = new TextEncoder().encode(letterText);
const thumbnailText = `Thumbnail of Edith Crawley's chest x-ray ${tag}`;
const thumbnail = new TextEncoder().encode(thumbnailText);
const plaintextNeedles = [`Discharge summary ${tag}`, 'Edith Crawley', '943 476 5919', thumbnailText];

type Desktop = { core: BleepSession; account: StaffAccount; files: DesktopFiles };

function itemOf(core: BleepSession, roomId: string, eventId: string): TimelineItem | undefined {
  return selectTimeline(roomId)(core.store.getState()).find((item) => item.id === eventId);
}

function mediaStore(trust: RunningTrust): string {
  return join(trustFiles(localLayout(), trust.name).dir, 'media');
}

/** Synapse's path for a file id: <first 2>/<next 2>/<rest>. */
const spread = (id: string) => [id.slice(0, 2), id.slice(2, 4), id.slice(4)];

/** Every file under a directory whose bytes contain the text. */
async function filesUnderContaining(directory: string, text: string): Promise<string[]> {
  const needle = Buffer.from(text, 'utf8');
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    if ((await readFile(path)).includes(needle)) found.push(path);
  }
  return found;
}

/** The archive's attachment parts on disk (a.<room tag>.<hour>.<event tag>.<f|t><n>). */
async function attachmentParts(files: DesktopFiles): Promise<string[]> {
  return (await readdir(files.archiveDirectory)).filter((name) => name.startsWith('a.'));
}

describe('an encrypted attachment from trust A to trust B', () => {
  let trustA: RunningTrust;
  let trustB: RunningTrust;
  let consultant: Desktop;
  let surgeon: Desktop;
  let roomId: string;
  let eventId: string;

  beforeAll(async () => {
    const stack = inject('stack');
    trustA = trustNamed(stack, 'trust-a');
    trustB = trustNamed(stack, 'trust-b');
    consultant = await signedInDesktop(trustA, 'attach-consultant');
    surgeon = await signedInDesktop(trustB, 'attach-surgeon');
    roomId = await consultant.core.rooms.openRoom({ name: 'Referral', invite: [surgeon.account.userId] });
    await eventually('the invitation to reach trust B', () =>
      surgeon.core.store.getState().rooms.byId[roomId]?.membership === 'invite' ? true : undefined,
    );
    await surgeon.core.rooms.join(roomId);
    await eventually('trust A to see the surgeon join', () =>
      consultant.core.store.getState().rooms.byId[roomId]?.joinedMembers === 2 ? true : undefined,
    );
  });

  afterAll(() => {
    consultant.core.stop();
    surgeon.core.stop();
  });

  it("reaches trust B's timeline as plain data once its archive holds the identical file", async () => {
    eventId = await consultant.core.rooms.sendAttachment(roomId, {
      name: `crawley-discharge-${tag}.txt`,
      mimetype: 'text/plain',
      bytes: letter,
      thumbnail: { mimetype: 'image/png', bytes: thumbnail, w: 32, h: 24 },
    });
    const item = await eventually('the file to arrive at trust B', () => {
      const shown = itemOf(surgeon.core, roomId, eventId);
      return shown?.attachment ? shown : undefined;
    });
    expect(item).toMatchObject({
      kind: 'message',
      msgtype: 'm.file',
      encrypted: true,
      decryption: 'decrypted',
      sender: consultant.account.userId,
      attachment: {
        name: `crawley-discharge-${tag}.txt`,
        mimetype: 'text/plain',
        size: letter.length,
        kept: true,
        thumbnail: { mimetype: 'image/png', size: thumbnail.length, w: 32, h: 24 },
      },
    });
    // Shown only after it was kept: the file is in the archive by the time the item is in the store.
    const read = await surgeon.core.readAttachment(roomId, eventId);
    expect(Buffer.from(read ?? []).toString()).toBe(letterText);
    expect(
      Buffer.from((await surgeon.core.readAttachment(roomId, eventId, 'thumbnail')) ?? []).toString(),
    ).toBe(thumbnailText);
    // The store holds nothing that opens the file.
    expect(JSON.stringify(surgeon.core.store.getState())).not.toContain('A256CTR');
    expect(JSON.stringify(surgeon.core.store.getState())).not.toContain('mxc://');
    expect(await attachmentParts(surgeon.files)).toHaveLength(2);
  });

  it("leaves only ciphertext, with no name or type, in both Synapses' media stores", async () => {
    const uploads = await queryDatabase<{
      media_id: string;
      media_type: string;
      upload_name: string | null;
      media_length: string;
    }>(
      trustA.databaseUrl,
      'SELECT media_id, media_type, upload_name, media_length FROM local_media_repository WHERE user_id = $1 ORDER BY created_ts',
      [consultant.account.userId],
    );
    // The file and its thumbnail: AES-CTR keeps the length, and nothing else about them is in the clear.
    expect(uploads.map((row) => [row.media_type, row.upload_name, Number(row.media_length)])).toEqual([
      ['application/octet-stream', null, letter.length],
      ['application/octet-stream', null, thumbnail.length],
    ]);
    for (const upload of uploads) {
      const stored = await readFile(join(mediaStore(trustA), 'local_content', ...spread(upload.media_id)));
      expect(stored.length).toBe(Number(upload.media_length));
      expect(stored.equals(Buffer.from(letter))).toBe(false);
      for (const needle of plaintextNeedles) expect(stored.includes(Buffer.from(needle)), needle).toBe(false);
    }

    const cached = await queryDatabase<{ media_id: string; filesystem_id: string; media_type: string }>(
      trustB.databaseUrl,
      'SELECT media_id, filesystem_id, media_type FROM remote_media_cache WHERE media_origin = $1 AND media_id = ANY($2)',
      [trustA.serverName, uploads.map((row) => row.media_id)],
    );
    // Trust B's homeserver fetched both over federation for the surgeon's desktop, and cached ciphertext.
    expect(cached).toHaveLength(2);
    for (const copy of cached) {
      expect(copy.media_type).toBe('application/octet-stream');
      const stored = await readFile(
        join(mediaStore(trustB), 'remote_content', trustA.serverName, ...spread(copy.filesystem_id)),
      );
      for (const needle of plaintextNeedles) expect(stored.includes(Buffer.from(needle)), needle).toBe(false);
    }
    // And no file anywhere in either media store holds the plaintext, while the same scan finds an unencrypted control
    // uploaded straight to Synapse (as the test's application service, at the internal listener).
    const control = `unencrypted control upload ${tag}`;
    const controlUpload = await fetch(`${trustA.synapseUrl}/_matrix/media/v3/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${trustA.testAppServiceToken}`, 'content-type': 'text/plain' },
      body: control,
    });
    expect(controlUpload.status).toBe(200);
    expect(await filesUnderContaining(mediaStore(trustA), control)).toHaveLength(1);
    for (const trust of [trustA, trustB]) {
      for (const needle of plaintextNeedles) {
        expect(await filesUnderContaining(mediaStore(trust), needle), `${trust.name}: ${needle}`).toEqual([]);
      }
    }
  });

  it('leaves the plaintext in no file of either desktop', async () => {
    // The sender's desktop keeps its own file too (it arrives by sync like any message).
    await eventually("the file to be kept on the sender's desktop", () =>
      itemOf(consultant.core, roomId, eventId)?.attachment?.kept ? true : undefined,
    );
    for (const desktop of [consultant, surgeon]) {
      for (const needle of [...plaintextNeedles, `crawley-discharge-${tag}`]) {
        expect(await filesContaining(desktop.files, needle), needle).toEqual([]);
      }
    }
  });

  it("erases a deleted message's file from trust B's archive", async () => {
    const second = await consultant.core.rooms.sendAttachment(roomId, {
      name: 'wrong-patient.txt',
      mimetype: 'text/plain',
      bytes: new TextEncoder().encode(`Arthur Pettigrew, NHS 943 476 5870 ${tag}`),
    });
    await eventually('the second file to be kept at trust B', () =>
      itemOf(surgeon.core, roomId, second)?.attachment?.kept ? true : undefined,
    );
    expect(await attachmentParts(surgeon.files)).toHaveLength(3);
    await consultant.core.rooms.redact(roomId, second);
    await eventually('the message to show deleted at trust B', () =>
      itemOf(surgeon.core, roomId, second)?.kind === 'deleted' ? true : undefined,
    );
    expect(itemOf(surgeon.core, roomId, second)?.attachment).toBeUndefined();
    expect(await surgeon.core.readAttachment(roomId, second)).toBeUndefined();
    // Only the first message's file and thumbnail are left.
    expect(await attachmentParts(surgeon.files)).toHaveLength(2);
  });

  it('reads the file back identical after a restart, from the archive', async () => {
    surgeon.core.stop();
    const restarted = await startCore(surgeon.files);
    surgeon = { ...surgeon, core: restarted };
    expect(await restarted.restore()).toBe('restored');
    expect(itemOf(restarted, roomId, eventId)?.attachment).toMatchObject({ kept: true, size: letter.length });
    expect(
      Buffer.from((await restarted.readAttachment(roomId, eventId)) ?? []).equals(Buffer.from(letter)),
    ).toBe(true);
    // The same event came again in the first sync: its file was not fetched or written twice.
    expect(await attachmentParts(surgeon.files)).toHaveLength(2);
  });

  it('deletes the file and thumbnail with their message once it is older than clientDays', async () => {
    surgeon.core.stop();
    let clockOffsetMs = 89 * dayMs;
    const later = await startCore(surgeon.files, { clock: { now: () => Date.now() + clockOffsetMs } });
    surgeon = { ...surgeon, core: later };
    expect(await later.restore()).toBe('restored');
    // At 89 days (the start sweeps) both are kept.
    expect(await attachmentParts(surgeon.files)).toHaveLength(2);
    expect(await later.readAttachment(roomId, eventId)).toBeDefined();

    clockOffsetMs = 91 * dayMs;
    await later.sweepNow();
    expect(itemOf(later, roomId, eventId)).toBeUndefined();
    expect(await attachmentParts(surgeon.files)).toEqual([]);
    expect(await later.readAttachment(roomId, eventId)).toBeUndefined();
    expect(await later.readAttachment(roomId, eventId, 'thumbnail')).toBeUndefined();
  });
});

describe('a file the receiving desktop could not download at first', () => {
  let consultant: Desktop;
  let registrar: Desktop;
  let roomId: string;
  /** While set, the registrar's desktop gets no answer to a media download (its network drops just then). */
  let mediaDown = false;

  beforeAll(async () => {
    const stack = inject('stack');
    consultant = await signedInDesktop(trustNamed(stack, 'trust-a'), 'retry-consultant');
    registrar = await signedInDesktop(trustNamed(stack, 'trust-b'), 'retry-registrar', {
      fetch: async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        if (mediaDown && url.includes('/media/download/')) throw new TypeError('fetch failed');
        return fetch(input, init);
      },
    });
    roomId = await consultant.core.rooms.openRoom({ name: 'Referral', invite: [registrar.account.userId] });
    await eventually('the invitation to reach trust B', () =>
      registrar.core.store.getState().rooms.byId[roomId]?.membership === 'invite' ? true : undefined,
    );
    await registrar.core.rooms.join(roomId);
    await eventually('trust A to see the registrar join', () =>
      consultant.core.store.getState().rooms.byId[roomId]?.joinedMembers === 2 ? true : undefined,
    );
  });

  afterAll(() => {
    consultant.core.stop();
    registrar.core.stop();
  });

  it('is fetched again once the network is back, kept identical and shown with its file', async () => {
    mediaDown = true;
    const sent = await consultant.core.rooms.sendAttachment(roomId, {
      name: `crawley-bloods-${tag}.txt`,
      mimetype: 'text/plain',
      bytes: letter,
    });
    const missing = await eventually('the message to show at trust B without its file', () => {
      const shown = itemOf(registrar.core, roomId, sent);
      return shown?.attachment ? shown.attachment : undefined;
    });
    expect(missing).toMatchObject({ kept: false, size: letter.length });
    expect(await registrar.core.readAttachment(roomId, sent)).toBeUndefined();

    mediaDown = false;
    // The first try again comes 30 s after the failure.
    await eventually(
      'the file to be fetched again and kept',
      () => (itemOf(registrar.core, roomId, sent)?.attachment?.kept === true ? true : undefined),
      90_000,
    );
    expect(Buffer.from((await registrar.core.readAttachment(roomId, sent)) ?? []).toString()).toBe(
      letterText,
    );
  });
});
