import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonicalJson.ts';
import {
  authority,
  day,
  directoryDocument,
  impostor,
  signedDirectoryFile,
  testNow,
} from './directoryContext.testkit.ts';
import { DirectoryError, type DirectoryErrorCode } from './trustDirectory.ts';
import { verifyDirectory } from './verifyDirectory.ts';

const clock = () => testNow;

function refusalCode(fileText: string, now: () => Date = clock): DirectoryErrorCode | 'accepted' {
  try {
    verifyDirectory(fileText, authority.publicKey, now);
    return 'accepted';
  } catch (error) {
    if (error instanceof DirectoryError) return error.code;
    throw error;
  }
}

type FileShape = { directory: Record<string, unknown>; signature?: string; keyId?: string };

function editFile(edit: (file: FileShape) => void): string {
  const file = JSON.parse(signedDirectoryFile()) as FileShape;
  edit(file);
  return JSON.stringify(file);
}

describe('verifying a trust directory', () => {
  it('returns the document signed by the authority', () => {
    expect(verifyDirectory(signedDirectoryFile(), authority.publicKey, clock)).toEqual(directoryDocument());
  });

  it('signs the canonical form: keys reordered and whitespace changed still verify', () => {
    const file = JSON.parse(signedDirectoryFile()) as FileShape;
    const reordered = Object.fromEntries(Object.entries(file.directory).reverse());
    const text = `{\n\t"signature" :  ${JSON.stringify(file.signature)},\r\n"directory":${JSON.stringify(reordered, null, 7)}, "keyId":"authority-2026"}`;
    expect(refusalCode(text)).toBe('accepted');
    expect(canonicalJson(JSON.parse(text))).toBe(canonicalJson(file));
  });

  it('refuses any changed, added or removed value as a bad signature', () => {
    expect(
      refusalCode(
        editFile((file) => {
          file.directory.expiresAt = new Date(testNow.getTime() + 365 * day).toISOString();
        }),
      ),
    ).toBe('DIRECTORY_BAD_SIGNATURE');
    expect(
      refusalCode(
        editFile((file) => {
          (file.directory.trusts as unknown[]).push({
            odsCode: 'RXX',
            name: 'Evil',
            serverName: 'evil.example',
          });
        }),
      ),
    ).toBe('DIRECTORY_BAD_SIGNATURE');
    expect(
      refusalCode(
        editFile((file) => {
          (file.directory.trusts as unknown[]).pop();
        }),
      ),
    ).toBe('DIRECTORY_BAD_SIGNATURE');
  });

  it('refuses a directory signed by any key but the authority’s', () => {
    expect(refusalCode(signedDirectoryFile(directoryDocument(), impostor.privateKey))).toBe(
      'DIRECTORY_BAD_SIGNATURE',
    );
    expect(
      refusalCode(
        editFile((file) => {
          file.signature = Buffer.alloc(64).toString('base64');
        }),
      ),
    ).toBe('DIRECTORY_BAD_SIGNATURE');
    expect(
      refusalCode(
        editFile((file) => {
          file.signature = 'not a signature';
        }),
      ),
    ).toBe('DIRECTORY_BAD_SIGNATURE');
  });

  it('refuses a file without a signature as unsigned', () => {
    expect(
      refusalCode(
        editFile((file) => {
          delete file.signature;
        }),
      ),
    ).toBe('DIRECTORY_UNSIGNED');
    expect(
      refusalCode(
        editFile((file) => {
          file.signature = '';
        }),
      ),
    ).toBe('DIRECTORY_UNSIGNED');
  });

  it('refuses malformed files with a code, never with an unexpected exception', () => {
    expect(refusalCode('{"directory":')).toBe('DIRECTORY_MALFORMED');
    expect(refusalCode('[]')).toBe('DIRECTORY_MALFORMED');
    expect(refusalCode('{"directory":{},"signature":"AAAA","extra":1}')).toBe('DIRECTORY_MALFORMED');
    // A fraction has no canonical form, so nothing can have signed it.
    expect(refusalCode('{"directory":{"version":1.5},"signature":"AAAA"}')).toBe('DIRECTORY_MALFORMED');
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(refusalCode(`{"directory":${deep},"signature":"AAAA"}`)).toBe('DIRECTORY_MALFORMED');
  });

  it('refuses a correctly signed document that does not fit the schema', () => {
    // Signed directly: the authority's own signDirectory refuses to sign a document that does not fit.
    const signedBadDocument = (directory: unknown): string =>
      JSON.stringify({
        directory,
        signature: sign(null, Buffer.from(canonicalJson(directory)), authority.privateKey).toString('base64'),
        keyId: 'authority-2026',
      });
    expect(refusalCode(signedBadDocument({ ...directoryDocument(), version: 2 }))).toBe(
      'DIRECTORY_MALFORMED',
    );
    expect(
      refusalCode(
        signedBadDocument({
          ...directoryDocument(),
          trusts: [{ odsCode: 'RXA', name: 'Northgate', serverName: 'not a server name' }],
        }),
      ),
    ).toBe('DIRECTORY_MALFORMED');
  });

  it('refuses a directory past its expiry, and one issued in the future', () => {
    const expiresAt = new Date(testNow.getTime() + 30 * day);
    expect(refusalCode(signedDirectoryFile(), () => new Date(expiresAt.getTime() - 1))).toBe('accepted');
    expect(refusalCode(signedDirectoryFile(), () => expiresAt)).toBe('DIRECTORY_EXPIRED');
    expect(
      refusalCode(
        signedDirectoryFile(
          directoryDocument({ issuedAt: new Date(testNow.getTime() + 1000).toISOString() }),
        ),
      ),
    ).toBe('DIRECTORY_NOT_YET_VALID');
  });

  it('takes the authority key as PEM, and refuses a key that is not Ed25519', () => {
    const pem = authority.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verifyDirectory(signedDirectoryFile(), pem, clock).trusts).toHaveLength(2);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(() => verifyDirectory(signedDirectoryFile(), rsa.publicKey, clock)).toThrow(/must be Ed25519/);
  });
});
