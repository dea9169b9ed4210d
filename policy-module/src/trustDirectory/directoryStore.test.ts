import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDirectoryStore } from './directoryStore.ts';
import { signDirectory } from './signDirectory.ts';
import type { DirectoryDocument } from './trustDirectory.ts';

const authority = generateKeyPairSync('ed25519');
const impostor = generateKeyPairSync('ed25519');
const day = 86_400_000;
const now = new Date('2026-11-23T09:00:00Z');

function document(overrides: Partial<DirectoryDocument> = {}): DirectoryDocument {
  return {
    version: 1,
    issuedAt: new Date(now.getTime() - day).toISOString(),
    expiresAt: new Date(now.getTime() + 30 * day).toISOString(),
    trusts: [
      { odsCode: 'RXA', name: 'Northgate', serverName: 'northgate.nhs.uk' },
      { odsCode: 'RXB', name: 'Southmere', serverName: 'southmere.nhs.uk' },
    ],
    ...overrides,
  };
}

function signed(doc: DirectoryDocument = document(), key = authority.privateKey): string {
  return JSON.stringify(signDirectory(doc, key, 'authority-2026'), null, 2);
}

function store(clock: () => Date = () => now) {
  return createDirectoryStore({ authorityKey: authority.publicKey, clock });
}

describe('trust directory', () => {
  it('vouches only for partners that both the policy and the signed directory name', () => {
    const directory = store();
    expect(directory.load(signed())).toBeUndefined();
    expect(directory.allowedPartners(['southmere.nhs.uk', 'unknown.nhs.uk'])).toEqual(['southmere.nhs.uk']);
  });

  it('lets a trust with no partners federate with nobody, never with everybody', () => {
    const directory = store();
    directory.load(signed());
    expect(directory.allowedPartners([])).toEqual([]);
    expect(store().allowedPartners(['southmere.nhs.uk'])).toEqual([]);
  });

  it('accepts the same directory re-formatted, but refuses any changed value', () => {
    const file = JSON.parse(signed()) as { directory: DirectoryDocument };
    expect(store().load(JSON.stringify(file))).toBeUndefined();
    const trusts = file.directory.trusts;
    if (trusts[1]) trusts[1].serverName = 'evil.example';
    expect(store().load(JSON.stringify(file))?.code).toBe('DIRECTORY_BAD_SIGNATURE');
  });

  it('refuses an unsigned directory, one signed by another key, and malformed files', () => {
    const { signature: _signature, ...unsigned } = JSON.parse(signed()) as Record<string, unknown>;
    expect(store().load(JSON.stringify(unsigned))?.code).toBe('DIRECTORY_UNSIGNED');
    expect(store().load(signed(document(), impostor.privateKey))?.code).toBe('DIRECTORY_BAD_SIGNATURE');
    expect(store().load('{"directory":')?.code).toBe('DIRECTORY_MALFORMED');
  });

  it('refuses an expired directory and one not yet valid', () => {
    expect(
      store().load(signed(document({ expiresAt: new Date(now.getTime() - 1).toISOString() })))?.code,
    ).toBe('DIRECTORY_EXPIRED');
    expect(
      store().load(signed(document({ issuedAt: new Date(now.getTime() + day).toISOString() })))?.code,
    ).toBe('DIRECTORY_NOT_YET_VALID');
  });

  it('keeps the last good directory when a bad one arrives', () => {
    const directory = store();
    directory.load(signed());
    expect(directory.load(signed(document(), impostor.privateKey))?.code).toBe('DIRECTORY_BAD_SIGNATURE');
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual(['southmere.nhs.uk']);
  });

  it('warns as expiry nears, and vouches for nobody once expired', () => {
    let time = now;
    const directory = store(() => time);
    directory.load(signed());
    expect(directory.status().state).toBe('ok');
    time = new Date(now.getTime() + 25 * day);
    expect(directory.status()).toMatchObject({ state: 'expiring', daysLeft: 5 });
    time = new Date(now.getTime() + 31 * day);
    expect(directory.status().state).toBe('expired');
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual([]);
  });
});
