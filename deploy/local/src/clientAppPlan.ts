// What `up` does about the client app, decided from what runs and what is checked out: the config its server hands
// the page (the client-facing trusts that run, by name and gateway address), and whether to rebuild the renderer
// and restart its server. Pure, so every decision is unit-tested.
import { createHash } from 'node:crypto';
import type { KnownTrustConfig } from '../../../client/serve/rendererServer.ts';

export type ClientAppConfig = Readonly<{ trusts: readonly KnownTrustConfig[] }>;

/** A trust the app may offer at sign-in, as the runner knows it. */
export type OfferedTrust = Readonly<{
  name: string;
  /** The trust's name from its policy ("Northgate Hospitals NHS Foundation Trust"). */
  policyName: string;
  /** Its gateway's client address: the only server the page may talk to for that trust. */
  clientUrl: string;
}>;

export function clientAppConfig(trusts: readonly OfferedTrust[]): ClientAppConfig {
  return {
    trusts: trusts.map((trust) => ({
      name: trust.name,
      displayName: trust.policyName.trim() === '' ? trust.name : trust.policyName,
      serverUrl: trust.clientUrl,
    })),
  };
}

export function clientAppConfigText(config: ClientAppConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Names the config a server was started with: the server reads its config once, at start. */
export function clientAppConfigVersion(configText: string): string {
  return createHash('sha256').update(configText).digest('hex').slice(0, 12);
}

export type ClientAppPlan = Readonly<{
  /** Build the renderer again: the build on disk is not of the checked-out code (or there is none). */
  build: boolean;
  /** (Re)start the server: it is not running, or runs another build or another trust list. */
  start: boolean;
}>;

export function planClientApp(
  current: Readonly<{ codeVersion: string; configVersion: string }>,
  builtVersion: string | undefined,
  running: Readonly<{ codeVersion: string; configVersion: string }> | undefined,
): ClientAppPlan {
  const build = builtVersion !== current.codeVersion;
  const start =
    build ||
    running === undefined ||
    running.codeVersion !== current.codeVersion ||
    running.configVersion !== current.configVersion;
  return { build, start };
}
