// What the directory authority signs from: its list of trusts (a JSON file it keeps), made into a directory
// document issued now with an expiry. The document is then signed by signDirectory.ts, the one signer.
import { z } from 'zod';
import { directoryDocumentSchema, type DirectoryDocument } from './trustDirectory.ts';

/** A long-lived directory keeps vouching for a trust the authority has since removed, until it expires. */
export const maxDirectoryValidityDays = 366;

export const directoryListingSchema = z
  .object({ trusts: directoryDocumentSchema.shape.trusts })
  .strict()
  .superRefine((listing, ctx) => {
    for (const field of ['serverName', 'odsCode'] as const) {
      const seen = new Set<string>();
      listing.trusts.forEach((trust, index) => {
        if (seen.has(trust[field])) {
          ctx.addIssue({
            code: 'custom',
            path: ['trusts', index, field],
            message: `${trust[field]} is listed twice`,
          });
        }
        seen.add(trust[field]);
      });
    }
  });

export type DirectoryListing = z.infer<typeof directoryListingSchema>;

export class DirectoryListingError extends Error {
  override readonly name = 'DirectoryListingError';
  readonly code = 'DIRECTORY_LISTING_INVALID';
}

/** Reads the authority's listing file, naming the first problem by its path in the file. */
export function parseDirectoryListing(text: string, source: string): DirectoryListing {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DirectoryListingError(`${source} is not valid JSON`);
  }
  const parsed = directoryListingSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new DirectoryListingError(`${source} is not a list of trusts${at}: ${issue?.message ?? ''}`);
  }
  return parsed.data;
}

/** The document to sign: the listing's trusts, issued at `issuedAt`, in force until `expiresAt`. */
export function directoryFromListing(
  listing: DirectoryListing,
  validity: Readonly<{ issuedAt: Date; expiresAt: Date }>,
): DirectoryDocument {
  const { issuedAt, expiresAt } = validity;
  if (Number.isNaN(expiresAt.getTime()) || expiresAt <= issuedAt) {
    throw new DirectoryListingError('the directory must expire after it is issued');
  }
  if (expiresAt.getTime() - issuedAt.getTime() > maxDirectoryValidityDays * 86_400_000) {
    throw new DirectoryListingError(`a directory may be valid for ${maxDirectoryValidityDays} days at most`);
  }
  return {
    version: 1,
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    trusts: listing.trusts.map((trust) => ({ ...trust })),
  };
}
