// bleep-policy directory verify: checks a trust directory file as every gateway will, with the authority's public
// key: well-formed, signed by that key, issued and not expired. Exits 1 with the reason when it is not.
import { exitCodes, type CliCommand } from './cliCommand.ts';
import { formatUtcTime } from './formatUtcTime.ts';
import { verifiedDirectoryFromOptions } from './verifiedDirectoryFile.ts';

/** As the gateway warns (directoryStore.ts): time enough for the authority's next directory to arrive. */
const warnWithinDays = 7;

export const directoryVerifyCommand: CliCommand = {
  summary: "Check a trust directory's signature and expiry with the authority's public key",
  usage: '--directory PATH --public-key PATH',
  async run(args, context) {
    const verified = await verifiedDirectoryFromOptions('directory verify', args, context);
    if (!verified) return exitCodes.failed;
    const { path, document, keyId } = verified;
    const expiresAt = new Date(document.expiresAt);
    const remainingMs = expiresAt.getTime() - context.clock().getTime();
    // To the nearest day for reading; the warning itself is decided to the millisecond.
    const daysLeft = Math.round(remainingMs / 86_400_000);
    context.print(
      `${path} verifies with key ${keyId}: ${document.trusts.length} ` +
        `${document.trusts.length === 1 ? 'trust' : 'trusts'}, issued ${formatUtcTime(new Date(document.issuedAt))}, ` +
        `expires ${formatUtcTime(expiresAt)} (in ${daysLeft} ${daysLeft === 1 ? 'day' : 'days'}).`,
    );
    if (remainingMs < warnWithinDays * 86_400_000) {
      context.printError(
        `warning: ${path} expires within ${warnWithinDays} days; federation stops when it does. Sign a new one.`,
      );
    }
    return exitCodes.ok;
  },
};
