// Reads a trust directory file and the directory authority's public key from disk and verifies the one with the
// other, now, exactly as the gateway does (verifyDirectory.ts): for `directory verify` and `directory show`.
import { readFile } from 'node:fs/promises';
import { authorityKeyId, readAuthorityPublicKey } from '../trustDirectory/authorityKeyFiles.ts';
import { DirectoryError, type DirectoryDocument } from '../trustDirectory/trustDirectory.ts';
import { verifyDirectory } from '../trustDirectory/verifyDirectory.ts';
import type { CliContext } from './cliCommand.ts';

export type VerifiedDirectoryFile =
  | Readonly<{ outcome: 'verified'; document: DirectoryDocument; keyId: string }>
  | Readonly<{ outcome: 'refused'; error: DirectoryError }>;

export async function verifyDirectoryFile(
  directoryPath: string,
  publicKeyPath: string,
  context: CliContext,
): Promise<VerifiedDirectoryFile> {
  const publicKey = await readAuthorityPublicKey(publicKeyPath);
  const text = await readFile(directoryPath, 'utf8');
  try {
    return {
      outcome: 'verified',
      document: verifyDirectory(text, publicKey, context.clock),
      keyId: authorityKeyId(publicKey),
    };
  } catch (error) {
    if (error instanceof DirectoryError) return { outcome: 'refused', error };
    throw error;
  }
}

/** The line a refused directory gets: what is wrong, in words, and its code for scripts. */
export function refusalLine(command: string, path: string, error: DirectoryError): string {
  return `bleep-policy ${command}: ${path} is REFUSED (${error.code}): ${error.message}`;
}
