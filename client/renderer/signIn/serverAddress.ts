// What a person types in the sign-in's "Server" field, read as the trust gateway's address: a trust the page knows by
// name or server name, a full address, or a host name (https is assumed: a trust's gateway is never plain http,
// except on this machine's loopback for the local runner).
import type { KnownTrust } from '../app/appConfig.ts';

export class ServerAddressError extends Error {
  override readonly name = 'ServerAddressError';
}

export function serverUrlFor(typed: string, known: readonly KnownTrust[]): string {
  const text = typed.trim();
  if (text === '') throw new ServerAddressError('Enter your trust’s Bleep server.');
  const lower = text.toLowerCase();
  const trust = known.find(
    (candidate) =>
      candidate.name.toLowerCase() === lower ||
      candidate.displayName.toLowerCase() === lower ||
      new URL(candidate.serverUrl).host === lower,
  );
  if (trust) return new URL(trust.serverUrl).origin;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) throw new ServerAddressError(`“${text}” is not a server address.`);
  const url = new URL(withScheme);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw new ServerAddressError('A Bleep server’s address starts with https://.');
  return url.origin;
}
