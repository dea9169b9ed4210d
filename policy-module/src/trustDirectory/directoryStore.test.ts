import { describe, expect, it } from 'vitest';
import { createDirectoryStore } from './directoryStore.ts';
import {
  authority,
  day,
  directoryDocument,
  impostor,
  signedDirectoryFile,
  testNow,
} from './directoryContext.testkit.ts';
import type { DirectoryDocument } from './trustDirectory.ts';

function store(clock: () => Date = () => testNow, warnWithinDays?: number, newestAcceptedIssuedAt?: string) {
  return createDirectoryStore({
    authorityKey: authority.publicKey,
    clock,
    ...(warnWithinDays === undefined ? {} : { warnWithinDays }),
    ...(newestAcceptedIssuedAt === undefined ? {} : { newestAcceptedIssuedAt }),
  });
}

describe('trust directory', () => {
  it('vouches only for partners that both the policy and the signed directory name', () => {
    const directory = store();
    expect(directory.load(signedDirectoryFile())).toBeUndefined();
    expect(directory.allowedPartners(['southmere.nhs.uk', 'unknown.nhs.uk'])).toEqual(['southmere.nhs.uk']);
  });

  it("names the vouched partners as the directory does, in the policy's order, and nobody it does not vouch for", () => {
    const directory = store();
    expect(directory.partnerTrusts(['southmere.nhs.uk'])).toEqual([]);
    directory.load(signedDirectoryFile());
    expect(directory.partnerTrusts(['southmere.nhs.uk', 'unknown.nhs.uk', 'northgate.nhs.uk'])).toEqual([
      { serverName: 'southmere.nhs.uk', name: 'Southmere' },
      { serverName: 'northgate.nhs.uk', name: 'Northgate' },
    ]);
  });

  it('lets a trust with no partners federate with nobody, never with everybody', () => {
    const directory = store();
    directory.load(signedDirectoryFile());
    expect(directory.allowedPartners([])).toEqual([]);
  });

  it('vouches for nobody before any directory has verified', () => {
    const directory = store();
    expect(directory.status()).toEqual({ state: 'none' });
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual([]);
    expect(directory.load(signedDirectoryFile(directoryDocument(), impostor.privateKey))?.code).toBe(
      'DIRECTORY_BAD_SIGNATURE',
    );
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual([]);
  });

  it('accepts the same directory re-formatted, but refuses any changed value', () => {
    const file = JSON.parse(signedDirectoryFile()) as { directory: DirectoryDocument };
    expect(store().load(JSON.stringify(file))).toBeUndefined();
    const trusts = file.directory.trusts;
    if (trusts[1]) trusts[1].serverName = 'evil.example';
    expect(store().load(JSON.stringify(file))?.code).toBe('DIRECTORY_BAD_SIGNATURE');
  });

  it('refuses an unsigned directory, one signed by another key, and malformed files', () => {
    const { signature: _signature, ...unsigned } = JSON.parse(signedDirectoryFile()) as Record<
      string,
      unknown
    >;
    expect(store().load(JSON.stringify(unsigned))?.code).toBe('DIRECTORY_UNSIGNED');
    expect(store().load(signedDirectoryFile(directoryDocument(), impostor.privateKey))?.code).toBe(
      'DIRECTORY_BAD_SIGNATURE',
    );
    expect(store().load('{"directory":')?.code).toBe('DIRECTORY_MALFORMED');
    expect(store().load('{"directory":{"version":1.5},"signature":"AAAA"}')?.code).toBe(
      'DIRECTORY_MALFORMED',
    );
  });

  it('refuses an expired directory and one not yet valid', () => {
    const expired = directoryDocument({ expiresAt: new Date(testNow.getTime() - 1).toISOString() });
    expect(store().load(signedDirectoryFile(expired))?.code).toBe('DIRECTORY_EXPIRED');
    const future = directoryDocument({ issuedAt: new Date(testNow.getTime() + day).toISOString() });
    expect(store().load(signedDirectoryFile(future))?.code).toBe('DIRECTORY_NOT_YET_VALID');
  });

  it('keeps the last good directory when a bad one arrives', () => {
    const directory = store();
    directory.load(signedDirectoryFile());
    expect(directory.load(signedDirectoryFile(directoryDocument(), impostor.privateKey))?.code).toBe(
      'DIRECTORY_BAD_SIGNATURE',
    );
    expect(directory.load('not json')?.code).toBe('DIRECTORY_MALFORMED');
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual(['southmere.nhs.uk']);
  });

  it('replaces the directory in force with a newer good one', () => {
    const directory = store();
    directory.load(signedDirectoryFile());
    const southmereGone = directoryDocument({
      trusts: [{ odsCode: 'RXA', name: 'Northgate', serverName: 'northgate.nhs.uk' }],
    });
    expect(directory.load(signedDirectoryFile(southmereGone))).toBeUndefined();
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual([]);
  });

  it('refuses a validly signed directory older than the one in force, and accepts the same one again', () => {
    const directory = store();
    const newer = directoryDocument({
      issuedAt: new Date(testNow.getTime() - 1000).toISOString(),
      trusts: [{ odsCode: 'RXA', name: 'Northgate', serverName: 'northgate.nhs.uk' }],
    });
    expect(directory.load(signedDirectoryFile(newer))).toBeUndefined();
    // The older directory still vouched for southmere: taking it back would undo the authority's removal.
    expect(directory.load(signedDirectoryFile())?.code).toBe('DIRECTORY_SUPERSEDED');
    expect(directory.allowedPartners(['southmere.nhs.uk', 'northgate.nhs.uk'])).toEqual(['northgate.nhs.uk']);
    expect(directory.load(signedDirectoryFile(newer))).toBeUndefined();
    expect(directory.inForce()?.issuedAt).toBe(newer.issuedAt);
  });

  it('refuses, after a restart, a directory older than the newest accepted before it', () => {
    const newestBefore = new Date(testNow.getTime() - 1000).toISOString();
    const directory = store(() => testNow, undefined, newestBefore);
    expect(directory.load(signedDirectoryFile())?.code).toBe('DIRECTORY_SUPERSEDED');
    expect(directory.status()).toEqual({ state: 'none' });
    const current = directoryDocument({ issuedAt: newestBefore });
    expect(directory.load(signedDirectoryFile(current))).toBeUndefined();
  });

  it('warns as expiry nears, and vouches for nobody once expired', () => {
    let time = testNow;
    const directory = store(() => time);
    directory.load(signedDirectoryFile());
    expect(directory.status().state).toBe('ok');
    time = new Date(testNow.getTime() + 23 * day - 1);
    expect(directory.status().state).toBe('ok');
    time = new Date(testNow.getTime() + 23 * day);
    expect(directory.status()).toMatchObject({ state: 'expiring', daysLeft: 7 });
    time = new Date(testNow.getTime() + 25 * day);
    expect(directory.status()).toMatchObject({ state: 'expiring', daysLeft: 5 });
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual(['southmere.nhs.uk']);
    time = new Date(testNow.getTime() + 30 * day);
    expect(directory.status().state).toBe('expired');
    expect(directory.allowedPartners(['southmere.nhs.uk'])).toEqual([]);
  });

  it('takes the warning window from configuration', () => {
    let time = new Date(testNow.getTime() + 15 * day);
    const directory = store(() => time, 14);
    directory.load(signedDirectoryFile());
    expect(directory.status().state).toBe('ok');
    time = new Date(testNow.getTime() + 16 * day);
    expect(directory.status()).toMatchObject({ state: 'expiring', daysLeft: 14 });
  });

  it('takes the authority key as PEM from configuration', () => {
    const directory = createDirectoryStore({
      authorityKey: authority.publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      clock: () => testNow,
    });
    expect(directory.load(signedDirectoryFile())).toBeUndefined();
  });
});
