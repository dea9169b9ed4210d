import { describe, expect, it, vi } from 'vitest';
import { attachmentSourceFor, parseMxc, type MxcUri } from '../attachments/attachmentSource.ts';
import { MediaDownloadError } from '../attachments/mediaDownload.ts';
import { attachmentContent } from '../attachments/outgoingAttachment.ts';
import { recordingLogger } from '../platform.testkit.ts';
import { createBleepStore } from '../stores/bleepStore.ts';
import { selectTimeline } from '../stores/selectors/timelineSelectors.ts';
import type { TimelineItem } from '../stores/timelineSlice.ts';
import { createArchiveCipher } from './archiveCipher.ts';
import { keepSyncBatch } from './archiveSyncBatch.ts';
import { createAttachmentRetry } from './attachmentRetry.ts';
import { createMemoryArchiveStorage } from './memoryArchiveStorage.testkit.ts';
import { openMessageArchive } from './messageArchive.ts';
import { timelineItemForRecord } from './messageRecordView.ts';

const roomId = '!ward:trust-a.example';
const me = '@amelia:trust-a.example';
const bob = '@bob:trust-b.example';
const at = 1_700_000_000_000;
const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const letterText = 'Referral: Mrs Edith Crawley, NHS 943 476 5919, DOB 12/03/1941, suspected sepsis.';
const letter = new TextEncoder().encode(letterText);
const preview = new TextEncoder().encode('thumbnail of Crawley chest x-ray');

/** A homeserver's media store in memory: what was uploaded, by mxc URI. */
function mediaServer() {
  const stored = new Map<string, Uint8Array>();
  let next = 0;
  return {
    stored,
    upload: (bytes: Uint8Array) => {
      const uri = `mxc://trust-a.example/media${(next += 1)}`;
      stored.set(uri, bytes.slice());
      return Promise.resolve(uri);
    },
    download: ({ serverName, mediaId }: MxcUri) => {
      const bytes = stored.get(`mxc://${serverName}/${mediaId}`);
      return bytes
        ? Promise.resolve(bytes.slice())
        : Promise.reject(new MediaDownloadError(404, 'not found'));
    },
  };
}

function fileItem(id: string, content: Record<string, unknown>): TimelineItem {
  return {
    id,
    roomId,
    sender: bob,
    sentAt: at,
    kind: 'message',
    msgtype: typeof content.msgtype === 'string' ? content.msgtype : null,
    body: typeof content.body === 'string' ? content.body : null,
    editedAt: null,
    reactions: [],
    target: null,
    membership: null,
    encrypted: true,
    decryption: 'decrypted',
    failureReason: null,
    sendStatus: null,
    urgent: false,
    replyTo: null,
  };
}

async function setUp() {
  const storage = createMemoryArchiveStorage();
  const cipher = await createArchiveCipher(randomBytes(32), randomBytes);
  const archive = await openMessageArchive({ storage, cipher, logger: recordingLogger() });
  const server = mediaServer();
  const store = createBleepStore();
  const logger = recordingLogger();
  const receive = async (id: string, content: Record<string, unknown>) => {
    const source = attachmentSourceFor(content);
    const shown = await keepSyncBatch(
      archive,
      {
        rooms: [],
        removedRooms: [],
        timeline: [
          { change: 'upsert', item: fileItem(id, content), ...(source ? { attachmentSource: source } : {}) },
        ],
      },
      me,
      { download: server.download, logger },
    );
    store.getState().applySyncBatch(shown);
    return shown;
  };
  return { storage, archive, server, store, receive, logger };
}

describe('a received attachment, kept before it is shown', () => {
  it('sends only ciphertext, and the receiver shows plain data after the archive holds the identical file', async () => {
    const { archive, server, store, receive, storage } = await setUp();
    const content = await attachmentContent(
      {
        name: 'crawley-referral.txt',
        mimetype: 'text/plain',
        bytes: letter,
        thumbnail: { mimetype: 'image/png', bytes: preview, w: 40, h: 30 },
      },
      server.upload,
      randomBytes,
    );
    expect(content).toMatchObject({ msgtype: 'm.file', body: 'crawley-referral.txt' });
    expect(server.stored.size).toBe(2);
    for (const uploaded of server.stored.values()) {
      expect(Buffer.from(uploaded).includes(Buffer.from('Crawley'))).toBe(false);
      expect(Buffer.from(uploaded).includes(Buffer.from('943 476 5919'))).toBe(false);
    }

    const shown = await receive('$file', content);
    // The batch the store is given carries no key, no mxc URI.
    expect(JSON.stringify(shown)).not.toContain('A256CTR');
    expect(JSON.stringify(shown)).not.toContain('mxc://');
    const [item] = selectTimeline(roomId)(store.getState());
    expect(item?.attachment).toEqual({
      name: 'crawley-referral.txt',
      mimetype: 'text/plain',
      size: letter.length,
      kept: true,
      thumbnail: { mimetype: 'image/png', size: preview.length, w: 40, h: 30 },
    });
    expect(JSON.stringify(store.getState())).not.toContain('A256CTR');
    expect(Buffer.from((await archive.readAttachment(roomId, '$file', 'file')) ?? []).toString()).toBe(
      letterText,
    );
    expect(await archive.readAttachment(roomId, '$file', 'thumbnail')).toEqual(preview);
    for (const [, bytes] of storage.records)
      expect(Buffer.from(bytes).includes(Buffer.from('Crawley'))).toBe(false);
  });

  it('refuses a ciphertext the server changed: the message shows, its file not kept', async () => {
    const { archive, server, store, receive, logger } = await setUp();
    const content = await attachmentContent(
      { name: 'crawley.txt', mimetype: 'text/plain', bytes: letter },
      server.upload,
      randomBytes,
    );
    for (const bytes of server.stored.values()) bytes[3] = (bytes[3] ?? 0) ^ 0xff;
    await receive('$tampered', content);
    const [item] = selectTimeline(roomId)(store.getState());
    expect(item?.body).toBe('crawley.txt');
    expect(item?.attachment?.kept).toBe(false);
    expect(await archive.readAttachment(roomId, '$tampered', 'file')).toBeUndefined();
    expect(JSON.stringify(logger.lines)).toContain('refused');
    expect(JSON.stringify(logger.lines)).not.toContain('crawley');
  });

  it('shows a message whose file the server no longer has, as not kept', async () => {
    const { server, store, receive } = await setUp();
    const content = await attachmentContent(
      { name: 'crawley.txt', mimetype: 'text/plain', bytes: letter },
      server.upload,
      randomBytes,
    );
    server.stored.clear();
    await receive('$gone', content);
    expect(selectTimeline(roomId)(store.getState())[0]?.attachment).toMatchObject({
      kept: false,
      size: letter.length,
    });
  });

  it('sends an image as m.image with its size in pixels', async () => {
    const { server } = await setUp();
    const content = await attachmentContent(
      { name: 'wound.png', mimetype: 'image/png', bytes: preview, image: { w: 640, h: 480 } },
      server.upload,
      randomBytes,
    );
    expect(content).toMatchObject({ msgtype: 'm.image', info: { mimetype: 'image/png', w: 640, h: 480 } });
  });
});

describe('reading an attachment from a message', () => {
  it('reads only mxc URIs it can put in a download path safely', () => {
    expect(parseMxc('mxc://trust-b.localhost:8448/AbC_-1')).toEqual({
      serverName: 'trust-b.localhost:8448',
      mediaId: 'AbC_-1',
    });
    for (const bad of ['mxc://a/../b', 'mxc://a/b/c', 'https://a/b', 'mxc://a/b?x=1', 'mxc:///b'])
      expect(parseMxc(bad)).toBeUndefined();
  });

  it('ignores a file sent in the clear and content without a well-formed key', () => {
    expect(attachmentSourceFor({ msgtype: 'm.file', body: 'x', url: 'mxc://a/b' })).toBeUndefined();
    expect(
      attachmentSourceFor({
        msgtype: 'm.file',
        body: 'x',
        file: { url: 'mxc://a/b', key: {}, iv: 'x', v: 'v2' },
      }),
    ).toBeUndefined();
    expect(attachmentSourceFor({ msgtype: 'm.text', body: 'x' })).toBeUndefined();
  });
});

/** Timers the test fires by hand: each delay asked for, and the one waiting run. */
function handTimers() {
  const waiting: { run: () => void; ms: number }[] = [];
  return {
    delays: () => waiting.map((timer) => timer.ms),
    fireNext: () => {
      waiting.shift()?.run();
    },
    timers: {
      set: (run: () => void, ms: number) => {
        const timer = { run, ms };
        waiting.push(timer);
        return timer;
      },
      clear: (handle: unknown) => {
        const index = waiting.indexOf(handle as (typeof waiting)[number]);
        if (index >= 0) waiting.splice(index, 1);
      },
    },
  };
}

describe('a received file the server could not give at first', () => {
  async function flakyReceipt(failure: () => MediaDownloadError | undefined) {
    const { archive, server, store, logger } = await setUp();
    const content = await attachmentContent(
      { name: 'crawley.txt', mimetype: 'text/plain', bytes: letter },
      server.upload,
      randomBytes,
    );
    const download = (mxc: MxcUri) => {
      const error = failure();
      return error ? Promise.reject(error) : server.download(mxc);
    };
    const hand = handTimers();
    const retry = createAttachmentRetry({
      archive,
      download,
      logger,
      timers: hand.timers,
      tries: 3,
      kept: (records) => {
        const timeline = records.flatMap((record) => {
          const item = timelineItemForRecord(record, me);
          return item ? [{ change: 'upsert' as const, item }] : [];
        });
        store.getState().applySyncBatch({ rooms: [], removedRooms: [], timeline });
      },
    });
    const source = attachmentSourceFor(content);
    if (!source) throw new Error('no attachment source');
    const shown = await keepSyncBatch(
      archive,
      {
        rooms: [],
        removedRooms: [],
        timeline: [{ change: 'upsert', item: fileItem('$later', content), attachmentSource: source }],
      },
      me,
      {
        download,
        logger,
        retryLater: (message, attachmentSource) => {
          retry.later(message, attachmentSource);
        },
      },
    );
    store.getState().applySyncBatch(shown);
    const shownAttachment = () => selectTimeline(roomId)(store.getState())[0]?.attachment;
    return { archive, hand, retry, shownAttachment };
  }

  it('is tried again with growing pauses while the session runs, then kept and shown with its file', async () => {
    let down = true;
    const { archive, hand, shownAttachment } = await flakyReceipt(() =>
      down ? new MediaDownloadError(null, 'no answer') : undefined,
    );
    expect(shownAttachment()).toMatchObject({ kept: false, size: letter.length });
    expect(hand.delays()).toEqual([30_000]);
    hand.fireNext();
    await vi.waitFor(() => {
      expect(hand.delays()).toEqual([60_000]);
    });
    down = false;
    hand.fireNext();
    await vi.waitFor(() => {
      expect(shownAttachment()).toMatchObject({ kept: true, size: letter.length });
    });
    expect(Buffer.from((await archive.readAttachment(roomId, '$later', 'file')) ?? []).toString()).toBe(
      letterText,
    );
    expect(hand.delays()).toEqual([]);
  });

  it('gives up after its tries, and the message stays shown without its file', async () => {
    const { archive, hand, shownAttachment } = await flakyReceipt(
      () => new MediaDownloadError(503, 'server busy'),
    );
    for (const delay of [30_000, 60_000, 120_000]) {
      await vi.waitFor(() => {
        expect(hand.delays()).toEqual([delay]);
      });
      hand.fireNext();
    }
    await vi.waitFor(async () => {
      expect(await archive.readAttachment(roomId, '$later', 'file')).toBeUndefined();
    });
    expect(hand.delays()).toEqual([]);
    expect(shownAttachment()).toMatchObject({ kept: false });
  });

  it('is not tried again when the server answered that it has no such file, or refused it', async () => {
    const gone = await flakyReceipt(() => new MediaDownloadError(404, 'not found'));
    expect(gone.hand.delays()).toEqual([]);
    const forbidden = await flakyReceipt(() => new MediaDownloadError(403, 'forbidden'));
    expect(forbidden.hand.delays()).toEqual([]);
  });

  it('stops trying when the session stops', async () => {
    const { hand, retry } = await flakyReceipt(() => new MediaDownloadError(null, 'no answer'));
    expect(hand.delays()).toEqual([30_000]);
    retry.stop();
    expect(hand.delays()).toEqual([]);
  });
});
