import { describe, expect, it } from 'vitest';
import { ArchiveRecordUnreadableError, createArchiveCipher } from './archiveCipher.ts';

const randomBytes = (length: number) => crypto.getRandomValues(new Uint8Array(length));
const key = () => randomBytes(32);
const text = (value: string) => new TextEncoder().encode(value);
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const body = 'Mrs Edith Crawley, NHS 943 476 5919: query sepsis, bed 4';

describe('the archive cipher', () => {
  it('opens what it sealed, and what it sealed holds nothing of the plaintext', async () => {
    const cipher = await createArchiveCipher(key(), randomBytes);
    const sealed = await cipher.seal('m.record', text(body));
    expect(read(await cipher.open('m.record', sealed))).toBe(body);
    expect(Buffer.from(sealed).includes(Buffer.from('Crawley'))).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from('943 476 5919'))).toBe(false);
  });

  it('seals the same text differently each time (a fresh nonce)', async () => {
    const cipher = await createArchiveCipher(key(), randomBytes);
    const first = await cipher.seal('m.record', text(body));
    const second = await cipher.seal('m.record', text(body));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('refuses a record moved to another name', async () => {
    const cipher = await createArchiveCipher(key(), randomBytes);
    const sealed = await cipher.seal('m.room1.100.event', text(body));
    await expect(cipher.open('m.room1.999.event', sealed)).rejects.toBeInstanceOf(
      ArchiveRecordUnreadableError,
    );
  });

  it('refuses a record with one bit changed', async () => {
    const cipher = await createArchiveCipher(key(), randomBytes);
    const sealed = await cipher.seal('m.record', text(body));
    for (const at of [1, 13, sealed.length - 1]) {
      const tampered = sealed.slice();
      tampered[at] = (tampered[at] ?? 0) ^ 1;
      await expect(cipher.open('m.record', tampered)).rejects.toBeInstanceOf(ArchiveRecordUnreadableError);
    }
    await expect(cipher.open('m.record', sealed.slice(0, 20))).rejects.toBeInstanceOf(
      ArchiveRecordUnreadableError,
    );
  });

  it('refuses a record sealed under another key', async () => {
    const sealed = await (await createArchiveCipher(key(), randomBytes)).seal('m.record', text(body));
    const other = await createArchiveCipher(key(), randomBytes);
    await expect(other.open('m.record', sealed)).rejects.toBeInstanceOf(ArchiveRecordUnreadableError);
  });

  it('tags an id the same way every time under one key, differently under another, and not as the id', async () => {
    const archiveKey = key();
    const cipher = await createArchiveCipher(archiveKey, randomBytes);
    const again = await createArchiveCipher(archiveKey, randomBytes);
    const other = await createArchiveCipher(key(), randomBytes);
    const roomId = '!cardiology:trust-a.localhost';
    const tag = await cipher.tag(roomId);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await again.tag(roomId)).toBe(tag);
    expect(await other.tag(roomId)).not.toBe(tag);
    expect(await cipher.tag('!another:trust-a.localhost')).not.toBe(tag);
  });

  it('wants a 32-byte key', async () => {
    await expect(createArchiveCipher(randomBytes(16), randomBytes)).rejects.toThrow(/32 bytes/);
  });
});
