// The finder reads widely (any grouping, any script, invisible characters), so these properties hold it to the
// other side of the bargain: the machine-made strings a Matrix request is full of never read as an NHS number.
import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findNhsNumbers } from './nhsNumber.ts';
import { groupSeparators } from './nhsNumberArbitraries.testkit.ts';

const randomBytes = (minLength: number, maxLength: number) => fc.uint8Array({ minLength, maxLength });
const base64 = randomBytes(0, 96).map((bytes) => Buffer.from(bytes).toString('base64'));
const base64Url = randomBytes(0, 96).map((bytes) => Buffer.from(bytes).toString('base64url'));
// From six bytes up: twelve hex characters that happen to be all digits are a twelve-digit run.
const hex = randomBytes(6, 64).map((bytes) => Buffer.from(bytes).toString('hex'));

const serverName = fc
  .tuple(fc.domain(), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }))
  .map(([domain, port]) => (port === undefined ? domain : `${domain}:${String(port)}`));
const localpart = fc.stringMatching(/^[a-z][a-z0-9._=/-]{0,23}$/);
const userId = fc.tuple(localpart, serverName).map(([name, server]) => `@${name}:${server}`);
const roomId = fc
  .tuple(fc.stringMatching(/^[A-Za-z]{18}$/), serverName)
  .map(([opaque, server]) => `!${opaque}:${server}`);
// Room version 4 and later: the event's reference hash, url-safe base64 without padding.
const eventId = randomBytes(32, 32).map((bytes) => `$${Buffer.from(bytes).toString('base64url')}`);
const roomAlias = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9._-]{0,23}$/), serverName)
  .map(([name, server]) => `#${name}:${server}`);
// Synapse's media ids are 24 random letters; other servers' are letters and digits.
const mxcUri = fc
  .tuple(serverName, fc.stringMatching(/^[A-Za-z0-9]{24}$/))
  .map(([server, mediaId]) => `mxc://${server}/${mediaId}`);
const matrixId = fc.oneof(userId, roomId, eventId, roomAlias, mxcUri);

const millisecondTimestamp = fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }).map(String);
const someDate = fc.date({
  min: new Date('1900-01-01T00:00:00Z'),
  max: new Date('2199-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const two = (value: number): string => String(value).padStart(2, '0');
const dateAndTime = fc.tuple(someDate, fc.nat(3)).map(([date, style]): string => {
  const [year, month, day] = [date.getUTCFullYear(), two(date.getUTCMonth() + 1), two(date.getUTCDate())];
  const [hours, minutes, seconds] = [
    two(date.getUTCHours()),
    two(date.getUTCMinutes()),
    two(date.getUTCSeconds()),
  ];
  if (style === 0) return date.toISOString();
  if (style === 1) return `${String(year)}-${month}-${day} ${hours}:${minutes}:${seconds}`;
  if (style === 2) return `${day}/${month}/${String(year)} ${hours}:${minutes}`;
  return `${day}.${month}.${String(year)}, ${hours}:${minutes}`;
});

/** Several values of one kind in a line, joined the way text and JSON-ish strings join them. */
function severalOf(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(fc.array(value, { minLength: 1, maxLength: 4 }), fc.constantFrom(' ', ', ', '\n', '","', ' | '))
    .map(([values, joiner]) => values.join(joiner));
}

describe('findNhsNumbers never reads machine-made strings as an NHS number', () => {
  it('base64 and url-safe base64 of random bytes', () => {
    fc.assert(
      fc.property(severalOf(base64), (text) => {
        expect(findNhsNumbers(text)).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(severalOf(base64Url), (text) => {
        expect(findNhsNumbers(text)).toEqual([]);
      }),
    );
  });

  it('hex strings and UUIDs, however they are joined', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            hex,
            hex.map((digest) => digest.toUpperCase()),
            fc.uuid(),
          ),
          { minLength: 1 },
        ),
        fc.constantFrom(...groupSeparators),
        (values, separator) => {
          expect(findNhsNumbers(values.join(separator))).toEqual([]);
        },
      ),
    );
  });

  it('Matrix user, room and event ids, room aliases and mxc URIs', () => {
    fc.assert(
      fc.property(severalOf(matrixId), (text) => {
        expect(findNhsNumbers(text)).toEqual([]);
      }),
    );
  });

  it('millisecond timestamps, alone or in a list', () => {
    fc.assert(
      fc.property(severalOf(millisecondTimestamp), (text) => {
        expect(findNhsNumbers(text)).toEqual([]);
      }),
    );
  });

  it('dates followed by a clock time', () => {
    fc.assert(
      fc.property(severalOf(dateAndTime), (text) => {
        expect(findNhsNumbers(text)).toEqual([]);
      }),
    );
  });

  it('a worked example of each', () => {
    for (const text of [
      '@dr.smith:matrix.northgate.nhs.uk',
      '!OGEhHVWSdvArJzumhm:trust-a.localhost:8448',
      '$Rqnc-F-dvnEYJTyHq_iKxU2bZ1CI92-kuZq3a5lr5Zg',
      '#ward-4:matrix.southmere.nhs.uk',
      'mxc://matrix.northgate.nhs.uk/SEsfnsuifSDFSSEF',
      '1731234567890',
      // matrix-js-sdk's transaction ids: "m", the time in milliseconds, a counter.
      'm1731234567890.42',
      '2024-11-10T10:29:27.890Z',
      '15/01/2024 10:30',
      'q8JI5Tuc9434765919x0pR/Ag==',
      'f9434765919e0b1c2d3e4f5a6b7c8d9e0f1a2b3c',
      '550e8400-e29b-41d4-a716-446655440000',
    ]) {
      expect(findNhsNumbers(text)).toEqual([]);
    }
  });
});
