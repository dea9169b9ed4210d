// The one origin the renderer is served from, bleep://app. Everything the core keeps in the page (the secrets, the
// archive, rust crypto's keys) lives in IndexedDB under the page's origin, so the desktop must load from this same
// origin on every start, in every build, or it finds nothing.
import type { CustomScheme } from 'electron';

export const appScheme = 'bleep';
export const appHost = 'app';
export const appOrigin = `${appScheme}://${appHost}`;
export const appEntryUrl = `${appOrigin}/index.html`;

/**
 * How Chromium treats bleep: (registered before the app is ready). standard: a real origin with IndexedDB that
 * persists; secure: a secure context, which WebCrypto's subtle API needs; supportFetchAPI: the SDK fetches rust
 * crypto's wasm from the page's own origin. Not bypassCSP (the page gets our policy like any other), no service
 * workers, no extensions, no CORS (nothing else may read from it).
 */
export const appSchemePrivileges: CustomScheme = {
  scheme: appScheme,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    bypassCSP: false,
    allowServiceWorkers: false,
    corsEnabled: false,
    stream: false,
    codeCache: false,
    allowExtensions: false,
  },
};

/** Whether a URL is a page of the app (not a look-alike host, not another scheme, no user or port). */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${appScheme}:` &&
    parsed.hostname === appHost &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
