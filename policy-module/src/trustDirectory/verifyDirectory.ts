// Checks a trust directory file: well-formed, signed by the directory authority's key, and in force now.
import { verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';
import {
  DirectoryError,
  directoryDocumentSchema,
  signedDirectorySchema,
  type DirectoryDocument,
} from './trustDirectory.ts';

export function verifyDirectory(fileText: string, authorityKey: KeyObject, now: Date): DirectoryDocument {
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
  // The signature covers the document exactly as sent, before any schema defaults could change it.
  const signed = verify(
    null,
    Buffer.from(canonicalJson(file.data.directory)),
    authorityKey,
    Buffer.from(file.data.signature, 'base64'),
  );
  if (!signed)
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
  if (new Date(document.data.issuedAt) > now) {
    throw new DirectoryError(
      'DIRECTORY_NOT_YET_VALID',
      `the trust directory is issued for ${document.data.issuedAt}, which is in the future`,
    );
  }
  if (new Date(document.data.expiresAt) <= now) {
    throw new DirectoryError(
      'DIRECTORY_EXPIRED',
      `the trust directory expired at ${document.data.expiresAt}`,
    );
  }
  return document.data;
}
