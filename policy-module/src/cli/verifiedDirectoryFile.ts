// Reads a trust directory file and the directory authority's public key from disk and verifies the one with the
// other, now, exactly as the gateway does (verifyDirectory.ts): for `directory verify` and `directory show`.
import { readFile } from 'node:fs/promises';
import { authorityKeyId, readAuthorityPublicKey } from '../trustDirectory/authorityKeyFiles.ts';
import { DirectoryError, type DirectoryDocument } from '../trustDirectory/trustDirectory.ts';
import { verifyDirectory } from '../trustDirectory/verifyDirectory.ts';
import { parseCommandOptions, requiredOption, type CliContext } from './cliCommand.ts';

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
function refusalLine(command: string, path: string, error: DirectoryError): string {
  return `bleep-policy ${command}: ${path} is REFUSED (${error.code}): ${error.message}`;
}

/**
 * What `directory verify` and `directory show` both start with: their --directory and --public-key options read,
 * the file verified, and a refusal printed. Undefined when the directory was refused (the command exits 1).
 */
export async function verifiedDirectoryFromOptions(
  command: string,
  args: readonly string[],
  context: CliContext,
): Promise<Readonly<{ path: string; document: DirectoryDocument; keyId: string }> | undefined> {
  const options = parseCommandOptions(args, {
    directory: { type: 'string' },
    'public-key': { type: 'string' },
  });
  const path = requiredOption(options.directory, 'directory');
  const result = await verifyDirectoryFile(
    path,
    requiredOption(options['public-key'], 'public-key'),
    context,
  );
  if (result.outcome === 'verified') return { path, document: result.document, keyId: result.keyId };
  context.printError(refusalLine(command, path, result.error));
  return undefined;
}
