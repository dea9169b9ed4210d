// The unprivileged system user the local gateways run as. A gateway holds TLS keys and faces the network; it needs
// no root. It runs as root only when this checkout is not readable by that user (a clone inside root's home), and
// the runner says so.
import { ensureServiceUser, type SystemUser } from './systemUser.ts';

export const gatewayUserName = 'bleep-gateway';

export type GatewayUser = SystemUser;

/** The gateway user, made if missing; undefined when it cannot read what the gateway runs (`paths`). */
export function ensureGatewayUser(
  paths: readonly string[],
  logPath: string,
): Promise<GatewayUser | undefined> {
  return ensureServiceUser(gatewayUserName, paths, logPath);
}
