// bleep-policy directory keygen: makes the directory authority's Ed25519 key pair. The private key is written
// owner-only (0600) and never printed; the public key is what each trust's gateway is given as authority.pub.
import { generateAuthorityKeyFiles } from '../trustDirectory/authorityKeyFiles.ts';
import { exitCodes, parseCommandOptions, requiredOption, type CliCommand } from './cliCommand.ts';

export const directoryKeygenCommand: CliCommand = {
  summary: "Make the directory authority's key pair (private key 0600, never printed or replaced)",
  usage: '--private-key PATH --public-key PATH',
  async run(args, context) {
    const options = parseCommandOptions(args, {
      'private-key': { type: 'string' },
      'public-key': { type: 'string' },
    });
    const privateKeyPath = requiredOption(options['private-key'], 'private-key');
    const publicKeyPath = requiredOption(options['public-key'], 'public-key');
    const { keyId } = await generateAuthorityKeyFiles({ privateKeyPath, publicKeyPath });
    context.print(`Directory authority key ${keyId}:`);
    context.print(
      `  private key ${privateKeyPath} (mode 0600): keep it offline; anyone holding it can vouch`,
    );
    context.print('  for any server as a partner trust');
    context.print(`  public key  ${publicKeyPath}: give it to every trust as authority.pub`);
    return exitCodes.ok;
  },
};
