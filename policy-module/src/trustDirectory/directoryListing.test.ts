import { describe, expect, it } from 'vitest';
import { directoryFromListing, parseDirectoryListing } from './directoryListing.ts';

const day = 86_400_000;
const issuedAt = new Date('2026-11-28T12:00:00Z');
const listing = {
  trusts: [
    { odsCode: 'RXA', name: 'Northgate', serverName: 'matrix.northgate.nhs.uk' },
    { odsCode: 'RXB', name: 'Southmere', serverName: 'matrix.southmere.nhs.uk' },
  ],
};

describe("the directory authority's list of trusts", () => {
  it('becomes a directory document issued now with the expiry given', () => {
    const expiresAt = new Date(issuedAt.getTime() + 30 * day);
    expect(
      directoryFromListing(parseDirectoryListing(JSON.stringify(listing), 'trusts.json'), {
        issuedAt,
        expiresAt,
      }),
    ).toEqual({
      version: 1,
      issuedAt: '2026-11-28T12:00:00.000Z',
      expiresAt: '2026-12-28T12:00:00.000Z',
      trusts: listing.trusts,
    });
  });

  it('names the problem in a malformed listing by its place in the file', () => {
    expect(() => parseDirectoryListing('{"trusts": [', 'trusts.json')).toThrow(
      'trusts.json is not valid JSON',
    );
    expect(() =>
      parseDirectoryListing(
        JSON.stringify({ trusts: [{ ...listing.trusts[0], odsCode: 'rxa' }] }),
        'trusts.json',
      ),
    ).toThrow(/at trusts\.0\.odsCode/);
    expect(() => parseDirectoryListing(JSON.stringify({ ...listing, partners: [] }), 'trusts.json')).toThrow(
      /partners/,
    );
  });

  it('refuses a server name or ODS code listed twice', () => {
    const twice = { trusts: [...listing.trusts, { ...listing.trusts[0], odsCode: 'RXC' }] };
    expect(() => parseDirectoryListing(JSON.stringify(twice), 'trusts.json')).toThrow(
      /trusts\.2\.serverName: matrix\.northgate\.nhs\.uk is listed twice/,
    );
  });

  it('refuses an expiry before the issue date, or more than a year after it', () => {
    const parsed = parseDirectoryListing(JSON.stringify(listing), 'trusts.json');
    expect(() => directoryFromListing(parsed, { issuedAt, expiresAt: issuedAt })).toThrow(/expire after/);
    expect(() =>
      directoryFromListing(parsed, { issuedAt, expiresAt: new Date(issuedAt.getTime() + 367 * day) }),
    ).toThrow(/366 days at most/);
    expect(() =>
      directoryFromListing(parsed, { issuedAt, expiresAt: new Date(issuedAt.getTime() + 366 * day) }),
    ).not.toThrow();
  });
});
