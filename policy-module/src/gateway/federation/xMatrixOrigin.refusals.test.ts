// Why an X-Matrix header is refused, said to the sending server's operator, and the spellings that only a strict
// reading refuses: each is a header two readers could read differently, or one Synapse would read wrongly.
import { describe, expect, it } from 'vitest';
import { readXMatrixOrigin } from './xMatrixOrigin.ts';

const reason = (...headers: string[]) => {
  const reading = readXMatrixOrigin(headers);
  return reading.outcome === 'refused' ? reading.reason : `origin ${reading.origin}`;
};

describe('refusing an X-Matrix header, and saying why', () => {
  it('names what is missing or wrong, so the sending server can be fixed', () => {
    expect(readXMatrixOrigin([])).toEqual({
      outcome: 'refused',
      reason: 'Federation requests need an X-Matrix Authorization header',
    });
    expect(reason('X-Matrix origin=a.b,key=k,sig=s', 'X-Matrix origin=a.b,key=k,sig=s')).toBe(
      'Send exactly one Authorization header: servers disagree on which of several counts',
    );
    expect(reason('X-Matrix origin=a.b,key=é,sig=s')).toBe(
      'The Authorization header must be printable ASCII',
    );
    expect(reason('Bearer abc')).toBe('The Authorization header is not X-Matrix origin=...,key=...,sig=...');
    expect(reason('X-Matrix origin=a.b,keyk,sig=s')).toBe(
      'The X-Matrix header has a malformed parameter: "keyk"',
    );
    expect(reason('X-Matrix origin=a.b,key=k,sig=s,sig=t')).toBe(
      'The X-Matrix header gives sig more than once',
    );
    expect(reason('X-Matrix origin=a.b,key=k"x,sig=s')).toBe(
      "The X-Matrix header's key is not a well-formed value (quote commas? Synapse splits on them)",
    );
    expect(reason('X-Matrix origin=a.b,key=k')).toBe('The X-Matrix header needs origin, key and sig');
    expect(reason('X-Matrix origin=a/b,key=k,sig=s')).toBe('The X-Matrix origin is not a server name: "a/b"');
  });

  it('refuses a parameter without "=", or whose name does not start or end as a name', () => {
    for (const header of [
      'X-Matrix origin=southmere.nhs.uk,keyk,sig=s',
      'X-Matrix origin=southmere.nhs.uk,key=k,sig=s,_destination=x',
      'X-Matrix origin=southmere.nhs.uk,key=k,sig=s,destination!=x',
    ]) {
      expect(reason(header), header).toMatch(/^The X-Matrix header has a malformed parameter/);
    }
  });

  it('refuses quotes, backslashes and spaces in any value, not only the origin', () => {
    for (const header of [
      'X-Matrix origin=southmere.nhs.uk,key=k"x,sig=s',
      'X-Matrix origin=southmere.nhs.uk,key=k,sig="s"t"',
      'X-Matrix origin="evil.example"southmere.nhs.uk",key=k,sig=s',
      'X-Matrix origin=southmere.nhs.uk,key=k\\x,sig=s',
    ]) {
      expect(reason(header), header).toMatch(/is not a well-formed value/);
    }
  });

  it('refuses non-ASCII anywhere in the header', () => {
    for (const header of [
      'X-Matrix origin=southmere.nhs.uk,key=ké,sig=s',
      'X-Matrix origin=southmere.nhs.uk,key=k,sig=s\u0085',
    ]) {
      expect(reason(header), header).toBe('The Authorization header must be printable ASCII');
    }
  });

  it('reads an escaped character in a quoted value as Synapse unquotes it', () => {
    expect(reason('X-Matrix origin="southmere\\.nhs.uk",key=k,sig=s')).toBe('origin southmere.nhs.uk');
  });

  it('reads only a header that starts with X-Matrix, wherever else the words appear', () => {
    expect(reason('Bearer 12origin=southmere.nhs.uk,key=k,sig="X-Matrix "')).toBe(
      'The Authorization header is not X-Matrix origin=...,key=...,sig=...',
    );
  });
});
