// Checks a trust directory file: well-formed, signed by the directory authority's key, and in force now.
import { verify } from 'node:crypto';
import { authorityPublicKey, type AuthorityKeyInput } from './authorityKey.ts';
import { canonicalJson } from './canonicalJson.ts';
import {
  DirectoryError,
  directoryDocumentSchema,
  signedDirectorySchema,
  type DirectoryDocument,
} from './trustDirectory.ts';

/** The directory in the file if it verifies now; otherwise throws a DirectoryError whose code says why. */
export function verifyDirectory(
  fileText: string,
  authorityKey: AuthorityKeyInput,
  now: () => Date,
): DirectoryDocument {
  const publicKey = authorityPublicKey(authorityKey);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fileText);
  } catch {
    throw new DirectoryError('DIRECTORY_MALFORMED', 'the trust directory is not valid JSON');
  }
  const file = signedDirectorySchema.safeParse(parsed);
  if (!file.success)
    throw new DirectoryError(
      'DIRECTORY_MALFORMED',
      `the trust directory file is malformed: ${file.error.issues[0]?.message ?? ''}`,
    );
  if (!file.data.signature)
    throw new DirectoryError('DIRECTORY_UNSIGNED', 'the trust directory is not signed');
  // The signature covers the document exactly as sent, before the schema could change or drop anything.
  let signedText: string;
  try {
    signedText = canonicalJson(file.data.directory);
  } catch {
    // Canonical JSON has no form for a fraction (or for nesting deeper than the stack): no authority signed it.
    throw new DirectoryError('DIRECTORY_MALFORMED', 'the trust directory cannot be put in canonical form');
  }
  if (!verify(null, Buffer.from(signedText), publicKey, Buffer.from(file.data.signature, 'base64')))
    throw new DirectoryError(
      'DIRECTORY_BAD_SIGNATURE',
      "the trust directory's signature does not match the directory authority's key",
    );
  const document = directoryDocumentSchema.safeParse(file.data.directory);
  if (!document.success) {
    const issue = document.error.issues[0];
    throw new DirectoryError(
      'DIRECTORY_MALFORMED',
      `the trust directory is malformed at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`,
    );
  }
  const at = now();
  if (new Date(document.data.issuedAt) > at) {
    throw new DirectoryError(
      'DIRECTORY_NOT_YET_VALID',
      `the trust directory is issued for ${document.data.issuedAt}, which is in the future`,
    );
  }
  if (new Date(document.data.expiresAt) <= at) {
    throw new DirectoryError(
      'DIRECTORY_EXPIRED',
      `the trust directory expired at ${document.data.expiresAt}`,
    );
  }
  return document.data;
}
