// Renders a trust's homeserver.yaml: the template, then the settings its policy owns, then the deployment's own
// values (paths, listeners, database, secrets' paths), then the trust's own settings (deploy/synapse/trusts/),
// then any overrides (the local runner's test-only file). The federation allow-list is the policy's partners that
// the signed trust directory vouches for, as the gateway enforces it; nothing after the policy may change it, and
// nothing before the test overrides may loosen the hardening floor (synapseHardening.ts).
import { isIP } from 'node:net';
import { synapseSettingsFor, type TrustPolicy } from '@bleep/policy-module';
import { parse, stringify } from 'yaml';
import { hardeningViolations } from './synapseHardening.ts';

type YamlMap = Record<string, unknown>;

export class ConfigRenderError extends Error {
  override readonly name = 'ConfigRenderError';
}

export type RenderInput = Readonly<{
  templateText: string;
  policy: TrustPolicy;
  /** The policy's partners the signed trust directory vouches for now (vouchedPartners in @bleep/policy-module). */
  vouchedPartners: readonly string[];
  /** Values only the deployment knows: public_baseurl, database args, listeners, paths. */
  deployment: YamlMap;
  /** Synapse's address on the trust's internal network, which its listeners bind to (production). */
  internalAddress?: string;
  /** The trust's own Synapse settings: may add and tighten, never loosen the hardening floor. */
  trustSettings?: YamlMap;
  /** Test-only, applied last, in order (the local runner's local-test-overrides.yaml). */
  overrides?: readonly YamlMap[];
}>;

const internalAddressPlaceholder = '<rendered: internal address>';

/** The config with every internal-address placeholder replaced by `address`. */
function withInternalAddress(value: unknown, address: string): unknown {
  if (value === internalAddressPlaceholder) return address;
  if (Array.isArray(value)) return value.map((item) => withInternalAddress(item, address));
  if (isMap(value))
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, withInternalAddress(item, address)]),
    );
  return value;
}

function isMap(value: unknown): value is YamlMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Maps merge key by key; anything else (lists included) is replaced whole, so an override never appends. */
export function mergeConfig(base: YamlMap, override: YamlMap): YamlMap {
  const merged: YamlMap = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isMap(current) && isMap(value) ? mergeConfig(current, value) : value;
  }
  return merged;
}

export function parseYamlMap(text: string, source: string): YamlMap {
  const value: unknown = parse(text);
  if (!isMap(value)) throw new ConfigRenderError(`${source} is not a YAML mapping`);
  return value;
}

/** Paths of values still holding a "<rendered: ...>" placeholder. */
function unrenderedPaths(value: unknown, path: string): string[] {
  if (typeof value === 'string') return value.startsWith('<rendered') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => unrenderedPaths(item, `${path}[${index}]`));
  if (isMap(value))
    return Object.entries(value).flatMap(([key, item]) =>
      unrenderedPaths(item, path ? `${path}.${key}` : key),
    );
  return [];
}

export function renderHomeserverConfig(input: RenderInput): YamlMap {
  let config = parseYamlMap(input.templateText, 'homeserver template');
  const policySettings = synapseSettingsFor(input.policy, input.vouchedPartners);
  config = mergeConfig(config, policySettings);
  config = mergeConfig(config, input.deployment);
  if (input.trustSettings) config = mergeConfig(config, input.trustSettings);
  if (input.internalAddress !== undefined) {
    // A named address only: all interfaces would put the admin API and metrics on Synapse's egress network too.
    if (isIP(input.internalAddress) === 0 || ['0.0.0.0', '::'].includes(input.internalAddress)) {
      throw new ConfigRenderError(
        `the internal address must be one IP address, not "${input.internalAddress}"`,
      );
    }
    config = withInternalAddress(config, input.internalAddress) as YamlMap;
  }
  const loosened = hardeningViolations(config);
  if (loosened.length > 0) {
    throw new ConfigRenderError(`the configuration loosens Bleep's hardening: ${loosened.join('; ')}`);
  }
  for (const override of input.overrides ?? []) config = mergeConfig(config, override);
  for (const [key, value] of Object.entries(policySettings)) {
    if (JSON.stringify(config[key]) !== JSON.stringify(value)) {
      throw new ConfigRenderError(
        `${key} belongs to the trust policy: the deployment or an override changed it`,
      );
    }
  }
  const missing = unrenderedPaths(config, '');
  if (missing.length > 0) {
    throw new ConfigRenderError(`homeserver config still has placeholders at: ${missing.join(', ')}`);
  }
  return config;
}

export function homeserverYaml(config: YamlMap): string {
  return `# Rendered by Bleep from deploy/synapse/homeserver.yaml and the trust policy. Do not edit: edit those.\n${stringify(config)}`;
}
