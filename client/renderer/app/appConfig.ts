// What the server that hosts the renderer says about the trusts a person may sign in to (`bleep-config.json` beside
// the page): names and gateway addresses only, so the sign-in can offer them by name. A page served without one (the
// desktop app, a trust's own build) simply has no list, and the person types the address.
export type KnownTrust = Readonly<{ name: string; displayName: string; serverUrl: string }>;

export type AppConfig = Readonly<{ trusts: readonly KnownTrust[] }>;

export const emptyAppConfig: AppConfig = { trusts: [] };

function isKnownTrust(value: unknown): value is KnownTrust {
  if (typeof value !== 'object' || value === null) return false;
  const fields = value as Record<string, unknown>;
  return (
    typeof fields.name === 'string' &&
    typeof fields.displayName === 'string' &&
    typeof fields.serverUrl === 'string' &&
    URL.canParse(fields.serverUrl)
  );
}

/** The config's trusts that are well formed; anything else in it is ignored rather than trusted. */
export function parseAppConfig(value: unknown): AppConfig {
  const trusts = (value as { trusts?: unknown } | null)?.trusts;
  return { trusts: Array.isArray(trusts) ? trusts.filter(isKnownTrust) : [] };
}

export async function loadAppConfig(fetchConfig: () => Promise<Response>): Promise<AppConfig> {
  try {
    const response = await fetchConfig();
    return response.ok ? parseAppConfig(await response.json()) : emptyAppConfig;
  } catch {
    return emptyAppConfig;
  }
}
