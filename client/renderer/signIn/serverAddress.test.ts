import { describe, expect, it } from 'vitest';
import { ServerAddressError, serverUrlFor } from './serverAddress.ts';

const known = [{ name: 'trust-a', displayName: 'Northgate Hospitals', serverUrl: 'http://127.0.0.1:8008' }];

describe('the server a person types', () => {
  it('finds a trust the page knows by its name, display name or address', () => {
    expect(serverUrlFor('trust-a', known)).toBe('http://127.0.0.1:8008');
    expect(serverUrlFor(' northgate hospitals ', known)).toBe('http://127.0.0.1:8008');
    expect(serverUrlFor('127.0.0.1:8008', known)).toBe('http://127.0.0.1:8008');
  });

  it('reads a host name as https, and keeps only the origin of a full address', () => {
    expect(serverUrlFor('bleep.trust-b.nhs.uk', [])).toBe('https://bleep.trust-b.nhs.uk');
    expect(serverUrlFor('https://bleep.trust-b.nhs.uk/_matrix/client', [])).toBe(
      'https://bleep.trust-b.nhs.uk',
    );
    expect(serverUrlFor('http://localhost:8009', [])).toBe('http://localhost:8009');
  });

  it('refuses an empty field, plain http to another machine and what is not an address', () => {
    expect(() => serverUrlFor('  ', known)).toThrow(ServerAddressError);
    expect(() => serverUrlFor('http://bleep.trust-b.nhs.uk', [])).toThrow(/https/);
    expect(() => serverUrlFor('ftp://x', [])).toThrow(ServerAddressError);
    expect(() => serverUrlFor('not a server', [])).toThrow(ServerAddressError);
  });
});
