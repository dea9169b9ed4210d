// bleep-policy directory sign: the directory authority signs its list of trusts, issued now and valid until the
// expiry given, with the one signer the local stack also uses (signDirectory.ts). The file is checked against the
// key's public half before it is written, and replaced whole, so a gateway rereading it never sees half a file.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { authorityKeyId, readAuthorityPrivateKey } from '../trustDirectory/authorityKeyFiles.ts';
import {
  DirectoryListingError,
  directoryFromListing,
  maxDirectoryValidityDays,
  parseDirectoryListing,
} from '../trustDirectory/directoryListing.ts';
import { signDirectory } from '../trustDirectory/signDirectory.ts';
import { verifyDirectory } from '../trustDirectory/verifyDirectory.ts';
import {
  CliUsageError,
  exitCodes,
  parseCommandOptions,
  requiredOption,
  type CliCommand,
} from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';

function expiryFrom(options: { 'expires-at'?: string; 'valid-days'?: string }, now: Date): Date {
  const { 'expires-at': at, 'valid-days': days } = options;
  if ((at === undefined) === (days === undefined)) {
    throw new CliUsageError('give the expiry as either --expires-at DATE or --valid-days DAYS');
  }
  if (at !== undefined) {
    const expiresAt = new Date(at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(expiresAt.getTime())) {
      throw new CliUsageError('--expires-at must be a date and time such as 2027-01-31T00:00:00Z');
    }
    return expiresAt;
  }
  const count = Number(days);
  if (!Number.isInteger(count) || count < 1 || count > maxDirectoryValidityDays) {
    throw new CliUsageError(
      `--valid-days must be a whole number of days from 1 to ${maxDirectoryValidityDays}`,
    );
  }
  return new Date(now.getTime() + count * 86_400_000);
}

async function replaceFile(path: string, text: string): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o644, flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

export const directorySignCommand: CliCommand = {
  summary: "Sign the directory authority's list of trusts, issued now, with an expiry",
  usage:
    '--trusts LISTING.json --private-key PATH (--expires-at DATE | --valid-days DAYS) --out PATH [--key-id ID]',
  async run(args, context) {
    const options = parseCommandOptions(args, {
      trusts: { type: 'string' },
      'private-key': { type: 'string' },
      'expires-at': { type: 'string' },
      'valid-days': { type: 'string' },
      out: { type: 'string' },
      'key-id': { type: 'string' },
    });
    const listingPath = requiredOption(options.trusts, 'trusts');
    const privateKeyPath = requiredOption(options['private-key'], 'private-key');
    const out = requiredOption(options.out, 'out');
    const now = context.clock();
    const expiresAt = expiryFrom(options, now);
    const privateKey = await readAuthorityPrivateKey(privateKeyPath);
    let document;
    try {
      const listing = parseDirectoryListing(await readFile(listingPath, 'utf8'), listingPath);
      document = directoryFromListing(listing, { issuedAt: now, expiresAt });
    } catch (error) {
      if (!(error instanceof DirectoryListingError)) throw error;
      context.printError(`bleep-policy directory sign: ${error.message}`);
      return exitCodes.failed;
    }
    const keyId = options['key-id'] ?? authorityKeyId(privateKey);
    const text = `${JSON.stringify(signDirectory(document, privateKey, keyId), null, 2)}\n`;
    // What the gateways will do with it, before anyone is given it.
    verifyDirectory(text, privateKey, () => now);
    await replaceFile(out, text);
    context.print(
      `Signed ${document.trusts.length} ${document.trusts.length === 1 ? 'trust' : 'trusts'} with key ${keyId}: ` +
        `issued ${formatUtcTime(now)}, expires ${formatUtcTime(expiresAt)}.`,
    );
    context.print(`Wrote ${out}: give it to every trust as trust-directory.json.`);
    return exitCodes.ok;
  },
};
