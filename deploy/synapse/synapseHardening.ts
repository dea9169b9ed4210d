// The floor of Bleep's Synapse hardening: settings a trust's own settings (deploy/synapse/trusts/) may tighten but
// never loosen. The renderer checks the production configuration against it after the trust's settings, so a
// per-trust file cannot switch presence back on or lift the sign-in limits; each check says what it protects.
type YamlMap = Record<string, unknown>;

type HardeningCheck = Readonly<{ setting: string; floor: string; holds: (config: YamlMap) => boolean }>;

/** Synapse's duration: a number of milliseconds, or a number with s, m, h, d, w or y. */
export function durationMs(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+)(ms|s|m|h|d|w|y)?$/.exec(value.trim());
  if (!match?.[1]) return undefined;
  const unit = { ms: 1, s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, y: 31536e6 }[match[2] ?? 'ms'];
  return Number(match[1]) * (unit ?? 1);
}

function at(config: YamlMap, path: string): unknown {
  let value: unknown = config;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as YamlMap)[key];
  }
  return value;
}

const is =
  (path: string, expected: unknown): HardeningCheck['holds'] =>
  (config) =>
    JSON.stringify(at(config, path)) === JSON.stringify(expected);

/** Synapse 1.160's own defaults for sign-in (synapse/config/ratelimiting.py). */
const loginDefaults = {
  address: { per_second: 0.003, burst_count: 5 },
  account: { per_second: 0.003, burst_count: 5 },
  failed_attempts: { per_second: 0.17, burst_count: 3 },
} as const;

function loginLimitHolds(kind: keyof typeof loginDefaults): HardeningCheck['holds'] {
  return (config) => {
    const limit = at(config, `rc_login.${kind}`);
    if (typeof limit !== 'object' || limit === null) return false;
    const { per_second: rate, burst_count: burst } = limit as YamlMap;
    return (
      typeof rate === 'number' &&
      typeof burst === 'number' &&
      rate <= loginDefaults[kind].per_second &&
      burst <= loginDefaults[kind].burst_count
    );
  };
}

const unspecifiedAddresses = new Set(['0.0.0.0', '::', '']);

export const maxSessionLifetimeMs = 12 * 36e5;

export const hardeningFloor: readonly HardeningCheck[] = [
  { setting: 'enable_registration', floor: 'false', holds: is('enable_registration', false) },
  { setting: 'url_preview_enabled', floor: 'false', holds: is('url_preview_enabled', false) },
  { setting: 'trusted_key_servers', floor: 'empty', holds: is('trusted_key_servers', []) },
  {
    setting: 'federation_verify_certificates',
    floor: 'true',
    holds: is('federation_verify_certificates', true),
  },
  {
    setting: 'federation_client_minimum_tls_version',
    floor: "'1.2' or '1.3'",
    holds: (config) => ['1.2', '1.3'].includes(String(at(config, 'federation_client_minimum_tls_version'))),
  },
  {
    setting: 'user_directory.search_all_users',
    floor: 'false',
    holds: is('user_directory.search_all_users', false),
  },
  { setting: 'enable_authenticated_media', floor: 'true', holds: is('enable_authenticated_media', true) },
  { setting: 'push.include_content', floor: 'false', holds: is('push.include_content', false) },
  { setting: 'presence.enabled', floor: 'false', holds: is('presence.enabled', false) },
  { setting: 'forget_rooms_on_leave', floor: 'true', holds: is('forget_rooms_on_leave', true) },
  {
    // A kept /sync answer is handed again to the same device after a restart or a new sign-in (homeserver.yaml).
    setting: 'caches.sync_response_cache_duration',
    floor: '0 (no /sync answer given twice)',
    holds: (config) => durationMs(at(config, 'caches.sync_response_cache_duration')) === 0,
  },
  {
    setting: 'require_auth_for_profile_requests',
    floor: 'true',
    holds: is('require_auth_for_profile_requests', true),
  },
  {
    setting: 'limit_profile_requests_to_users_who_share_rooms',
    floor: 'true',
    holds: is('limit_profile_requests_to_users_who_share_rooms', true),
  },
  {
    setting: 'alias_creation_rules',
    floor: 'ending in a deny of every alias',
    holds: (config) => {
      const rules = at(config, 'alias_creation_rules');
      const last: unknown = Array.isArray(rules) ? rules.at(-1) : undefined;
      if (typeof last !== 'object' || last === null) return false;
      const { action, ...scope } = last as YamlMap;
      return action === 'deny' && Object.values(scope).every((value) => value === '*');
    },
  },
  {
    setting: 'session_lifetime',
    floor: '12h at most',
    holds: (config) => (durationMs(at(config, 'session_lifetime')) ?? Infinity) <= maxSessionLifetimeMs,
  },
  {
    setting: 'refreshable_access_token_lifetime',
    floor: '5m at most',
    holds: (config) => (durationMs(at(config, 'refreshable_access_token_lifetime')) ?? Infinity) <= 5 * 6e4,
  },
  {
    // Once staff sign in through the trust's identity provider, a local password is a second, weaker way in.
    setting: 'password_config.enabled',
    floor: 'false once oidc_providers lists a provider',
    holds: (config) => {
      const providers = at(config, 'oidc_providers');
      return (
        !Array.isArray(providers) || providers.length === 0 || at(config, 'password_config.enabled') === false
      );
    },
  },
  {
    setting: 'password_config.policy',
    floor: 'enabled, 12 characters at least',
    holds: (config) =>
      at(config, 'password_config.policy.enabled') === true &&
      Number(at(config, 'password_config.policy.minimum_length')) >= 12,
  },
  ...(Object.keys(loginDefaults) as (keyof typeof loginDefaults)[]).map((kind) => ({
    setting: `rc_login.${kind}`,
    floor: `no looser than Synapse's default (${loginDefaults[kind].per_second}/s, burst ${loginDefaults[kind].burst_count})`,
    holds: loginLimitHolds(kind),
  })),
  {
    setting: 'listeners',
    floor: 'each bound to named addresses, never all interfaces',
    holds: (config) => {
      const listeners = at(config, 'listeners');
      return (
        Array.isArray(listeners) &&
        listeners.every((listener: unknown) => {
          const addresses = at(listener as YamlMap, 'bind_addresses');
          return (
            Array.isArray(addresses) &&
            addresses.length > 0 &&
            addresses.every((address) => typeof address === 'string' && !unspecifiedAddresses.has(address))
          );
        })
      );
    },
  },
];

/** Each setting below the floor, with what the floor is. */
export function hardeningViolations(config: YamlMap): string[] {
  return hardeningFloor
    .filter((check) => !check.holds(config))
    .map((check) => `${check.setting} must be ${check.floor}`);
}
