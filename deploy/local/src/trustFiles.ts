// Where one trust's files live, seen from the host and from inside the Synapse root.
import { join } from 'node:path';
import type { StackLayout } from './stackLayout.ts';

export type TrustFiles = Readonly<{
  /** Host path of the trust's folder (inside the sid root). */
  dir: string;
  /** The same folder as Synapse sees it under chroot. */
  chrootDir: string;
  configPath: string;
  keysDir: string;
  tlsDir: string;
  /** Synapse's stdout and stderr (start-up failures land here before its own log is open). */
  consoleLog: string;
  /** Synapse's own log, host path. */
  synapseLog: string;
  /** The policy gateway's log (pino JSON). */
  gatewayLog: string;
  /** The retention service's log (pino JSON). */
  retentionLog: string;
  /** Bleep's own secrets for this trust (not Synapse's): root only, outside Synapse's reach. */
  bleepSecretsDir: string;
  /** The gateway's own secrets (the identity sealing key): the gateway's user only, root and Synapse excepted. */
  gatewaySecretsDir: string;
}>;

export function trustFiles(layout: StackLayout, trustName: string): TrustFiles {
  const dir = join(layout.stateDir, 'trusts', trustName);
  return {
    dir,
    chrootDir: join(layout.chrootStateDir, 'trusts', trustName),
    configPath: join(dir, 'homeserver.yaml'),
    keysDir: join(dir, 'keys'),
    tlsDir: join(dir, 'tls'),
    consoleLog: join(layout.logDir, `${trustName}.console.log`),
    synapseLog: join(dir, 'homeserver.log'),
    gatewayLog: join(layout.logDir, `${trustName}.gateway.log`),
    retentionLog: join(layout.logDir, `${trustName}.retention.log`),
    bleepSecretsDir: join(layout.stateDir, 'bleep-secrets', trustName),
    gatewaySecretsDir: join(layout.stateDir, 'gateway-secrets', trustName),
  };
}
