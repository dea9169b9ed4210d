// The trust directory: which NHS organisations exist and which Matrix server each runs, as vouched for by a
// directory authority's Ed25519 signature with an issue date and an expiry. A trust federates only with partners
// its policy lists AND the current directory vouches for.
import { z } from 'zod';
import { serverNameSchema } from '../policy/trustPolicy.ts';

export const directoryDocumentSchema = z
  .object({
    version: z.literal(1),
    issuedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    trusts: z.array(
      z
        .object({
          odsCode: z.string().regex(/^[A-Z0-9]{3,5}$/),
          name: z.string().min(1),
          serverName: serverNameSchema,
        })
        .strict(),
    ),
  })
  .strict();

export type DirectoryDocument = z.infer<typeof directoryDocumentSchema>;

/** A partner trust the directory vouches for, by its server name and the name people know it by. */
export type PartnerTrust = Readonly<{ serverName: string; name: string }>;

/** The file as distributed: the document, and the authority's signature over its canonical JSON. */
export const signedDirectorySchema = z
  .object({
    directory: z.unknown(),
    keyId: z.string().min(1).optional(),
    /** Absent or empty: the file is unsigned, refused with its own code so the operator sees what is missing. */
    signature: z.string().optional(),
  })
  .strict();

export type SignedDirectory = Readonly<{ directory: DirectoryDocument; keyId: string; signature: string }>;

export type DirectoryErrorCode =
  | 'DIRECTORY_MALFORMED'
  | 'DIRECTORY_UNSIGNED'
  | 'DIRECTORY_BAD_SIGNATURE'
  | 'DIRECTORY_EXPIRED'
  | 'DIRECTORY_NOT_YET_VALID'
  | 'DIRECTORY_SUPERSEDED';

export class DirectoryError extends Error {
  override readonly name = 'DirectoryError';
  readonly code: DirectoryErrorCode;

  constructor(code: DirectoryErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
