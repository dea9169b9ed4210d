// Where the local stack keeps things and which ports each trust uses. Pure: no I/O, so it is unit-tested.
import { join } from 'node:path';

export type StackLayout = Readonly<{
  /** Cached Debian sid root with Synapse installed; survives `reset`. */
  sidRoot: string;
  /** The runner's state inside the sid root (so Synapse, chrooted, sees its own files at `chrootStateDir`). */
  stateDir: string;
  /** `stateDir` as Synapse sees it from inside the chroot. */
  chrootStateDir: string;
  stackFile: string;
  /** Held by the one `up`, `stop` or `reset` running (stackLock.ts). */
  lockFile: string;
  caDir: string;
  /** The local trust directory, signed by a local directory authority, and that authority's keys. */
  directoryDir: string;
  logDir: string;
  /** The client app: the renderer's build and the config its server hands the page. Outside the sid root. */
  clientAppDir: string;
}>;

export function stackLayout(cacheDir: string): StackLayout {
  const sidRoot = join(cacheDir, 'sid-root');
  const chrootStateDir = '/srv/bleep';
  const stateDir = join(sidRoot, chrootStateDir);
  return {
    sidRoot,
    stateDir,
    chrootStateDir,
    stackFile: join(stateDir, 'stack.json'),
    lockFile: join(cacheDir, 'stack.lock'),
    caDir: join(stateDir, 'ca'),
    directoryDir: join(stateDir, 'directory'),
    logDir: join(cacheDir, 'logs'),
    clientAppDir: join(cacheDir, 'client-app'),
  };
}

/**
 * Ports of one trust. The policy gateway owns the public ones (clients' URL, and the federation port in the
 * trust's server name); Synapse listens only on internal ones behind it.
 */
export type TrustPorts = Readonly<{
  /** Where clients connect: the gateway's client port. */
  client: number;
  /** Federation over TLS, terminated by the gateway: the port in the trust's server name. */
  federation: number;
  /** Synapse's own client listener, with the admin API: for the gateway, operators and the retention service. */
  synapseInternal: number;
  /** Synapse's federation listener, plain HTTP on loopback, reached only through the gateway. */
  synapseFederationInternal: number;
  metrics: number;
  /** The gateway's Prometheus metrics, loopback only. */
  gatewayMetrics: number;
  /** The retention service's /healthz, /metrics and /report, loopback only. */
  retention: number;
}>;

/** Fixed per-index ports, so a trust's server name (which includes its federation port) never changes. */
export function trustPorts(index: number): TrustPorts {
  return {
    client: 8008 + index,
    federation: 8448 + index,
    synapseInternal: 18008 + index,
    synapseFederationInternal: 18448 + index,
    metrics: 19000 + index,
    gatewayMetrics: 19100 + index,
    retention: 19200 + index,
  };
}

/**
 * The client app's port, on loopback. Fixed: the page's origin (and with it the browser's IndexedDB, where the
 * archive and the keys live) must be the same after every restart.
 */
export const clientAppPort = 8480;

/** Database and role name for a trust: PostgreSQL identifiers, so only [a-z0-9_]. */
export function databaseNameFor(trustName: string): string {
  return `bleep_${trustName.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
}

/** Bleep's own database for a trust (enrolments, audit trail, retention runs), apart from Synapse's. */
export function policyDatabaseNameFor(trustName: string): string {
  return `${databaseNameFor(trustName)}_policy`;
}
