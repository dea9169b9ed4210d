import { describe, expect, it } from 'vitest';
import { appEntryUrl, appOrigin, appSchemePrivileges, isAppUrl } from './appOrigin.ts';

describe('the app origin', () => {
  it('is one fixed origin, bleep://app, with the entry page under it', () => {
    expect(appOrigin).toBe('bleep://app');
    expect(appEntryUrl).toBe('bleep://app/index.html');
    expect(isAppUrl(appEntryUrl)).toBe(true);
    expect(isAppUrl(appOrigin)).toBe(true);
  });

  it('is a standard, secure scheme that may fetch its own files and gets the CSP like any page', () => {
    expect(appSchemePrivileges.scheme).toBe('bleep');
    expect(appSchemePrivileges.privileges).toMatchObject({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      bypassCSP: false,
      allowServiceWorkers: false,
      corsEnabled: false,
    });
  });

  it.each([
    'https://app/index.html',
    'bleep://app.evil.example/index.html',
    'bleep://evil/index.html',
    'bleep://app:8080/index.html',
    'bleep://user@app/index.html',
    'file:///index.html',
    'not a url',
    '',
  ])('does not take %j for the app', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});
