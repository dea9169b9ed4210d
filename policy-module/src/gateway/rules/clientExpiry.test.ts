// The expiry report's contract, read exactly: {"oldest_ts": ms or null, "swept_at": ms}, nothing more or less.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readExpiryReport } from './clientExpiry.ts';

function refusalOf(body: unknown) {
  const read = readExpiryReport(body);
  if (read.ok) throw new Error(`expected ${JSON.stringify(body)} to be refused`);
  return { status: read.error.status, ...read.error.toJSON() };
}

describe('client expiry report', () => {
  it('reads a report with its oldest message, or with an empty archive', () => {
    expect(readExpiryReport({ oldest_ts: 1_700_000_000_000, swept_at: 1_700_000_100_000 })).toEqual({
      ok: true,
      report: { oldestTs: new Date(1_700_000_000_000), sweptAt: new Date(1_700_000_100_000) },
    });
    expect(readExpiryReport({ oldest_ts: null, swept_at: 0 })).toEqual({
      ok: true,
      report: { oldestTs: null, sweptAt: new Date(0) },
    });
  });

  /** The refusal's text: what is wrong, then the contract, so whoever reads it can fix the client. */
  const says = (what: string) =>
    `This expiry report cannot be read: ${what}. Send {"oldest_ts": <ms since 1970, or null when the archive is empty>, "swept_at": <ms since 1970>}`;

  it('refuses a body that is not the report with M_BAD_JSON, naming the rule and the field', () => {
    for (const body of [undefined, null, [], 'report', 42]) {
      expect(refusalOf(body)).toEqual({
        status: 400,
        errcode: 'M_BAD_JSON',
        error: says('it is not a JSON object'),
        'uk.nhs.bleep.rule': 'client-expiry',
      });
    }
    expect(refusalOf({ swept_at: 1 })).toMatchObject({
      errcode: 'M_BAD_JSON',
      error: says('oldest_ts is missing or not a number'),
    });
    expect(refusalOf({ oldest_ts: null })).toMatchObject({
      errcode: 'M_BAD_JSON',
      error: says('swept_at is missing or not a number'),
    });
    expect(refusalOf({ oldest_ts: '1700000000000', swept_at: 1 })).toMatchObject({
      errcode: 'M_BAD_JSON',
      error: says('oldest_ts is missing or not a number'),
    });
    // A client that sends more than the contract (an archive's contents, say) is told so, not half-read.
    expect(refusalOf({ oldest_ts: null, swept_at: 1, device_id: 'OTHER', rooms: [] })).toMatchObject({
      errcode: 'M_BAD_JSON',
      error: says('it has fields the report does not have (device_id, rooms)'),
    });
  });

  it('refuses a number that is no time in milliseconds with M_INVALID_PARAM', () => {
    for (const oldest of [-1, 1.5, 2 ** 53, 253_402_300_800_000]) {
      expect(refusalOf({ oldest_ts: oldest, swept_at: 1 })).toEqual({
        status: 400,
        errcode: 'M_INVALID_PARAM',
        error: says('oldest_ts is not a time in milliseconds since 1970'),
        'uk.nhs.bleep.rule': 'client-expiry',
      });
    }
    expect(refusalOf({ oldest_ts: null, swept_at: -5 })).toMatchObject({
      errcode: 'M_INVALID_PARAM',
      error: says('swept_at is not a time in milliseconds since 1970'),
    });
  });

  it('either reads any JSON value as a report of two times or refuses it with a 400, never throws', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const read = readExpiryReport(value);
        if (read.ok) {
          expect(Number.isInteger(read.report.sweptAt.getTime())).toBe(true);
        } else {
          expect(read.error.status).toBe(400);
          expect(['M_BAD_JSON', 'M_INVALID_PARAM']).toContain(read.error.errcode);
        }
      }),
    );
  });
});
