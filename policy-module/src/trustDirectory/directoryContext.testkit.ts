// Test support for the trust directory's unit tests: an authority key pair, an impostor's, and signed files.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { signDirectory } from './signDirectory.ts';
import type { DirectoryDocument } from './trustDirectory.ts';

export const authority = generateKeyPairSync('ed25519');
export const impostor = generateKeyPairSync('ed25519');
export const day = 86_400_000;
export const testNow = new Date('2026-11-23T09:00:00Z');

/** Issued yesterday, valid for 30 days from the test's now, listing two trusts. */
export function directoryDocument(overrides: Partial<DirectoryDocument> = {}): DirectoryDocument {
  return {
    version: 1,
    issuedAt: new Date(testNow.getTime() - day).toISOString(),
    expiresAt: new Date(testNow.getTime() + 30 * day).toISOString(),
    trusts: [
      { odsCode: 'RXA', name: 'Northgate', serverName: 'northgate.nhs.uk' },
      { odsCode: 'RXB', name: 'Southmere', serverName: 'southmere.nhs.uk' },
    ],
    ...overrides,
  };
}

/** The file as the authority distributes it, pretty-printed. */
export function signedDirectoryFile(
  document: DirectoryDocument = directoryDocument(),
  privateKey: KeyObject = authority.privateKey,
): string {
  return JSON.stringify(signDirectory(document, privateKey, 'authority-2026'), null, 2);
}
