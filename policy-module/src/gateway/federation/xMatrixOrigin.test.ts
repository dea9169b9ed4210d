import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { synapseOriginOf } from './synapseXMatrix.testkit.ts';
import { readXMatrixOrigin } from './xMatrixOrigin.ts';

/** The header Synapse itself sends (synapse/http/matrixfederationclient.py build_auth_headers). */
const synapseHeader = (origin: string, destination = 'northgate.nhs.uk', key = 'ed25519:a_1', sig = 'c2ln') =>
  `X-Matrix origin="${origin}",key="${key}",sig="${sig}",destination="${destination}"`;

const originOf = (...headers: string[]) => {
  const reading = readXMatrixOrigin(headers);
  return reading.outcome === 'origin' ? reading.origin : 'refused';
};

describe('reading the origin of a federation request as Synapse does', () => {
  it('reads the header Synapse sends, and bare values', () => {
    expect(originOf(synapseHeader('southmere.nhs.uk:8448'))).toBe('southmere.nhs.uk:8448');
    expect(originOf('X-Matrix origin=southmere.nhs.uk,key=ed25519:1,sig=abc')).toBe('southmere.nhs.uk');
    expect(originOf('X-Matrix   Origin="southmere.nhs.uk" ,\tKEY="k" , sig="s\\"x"')).toBe(
      'southmere.nhs.uk',
    );
  });

  it('refuses a duplicated parameter: Synapse keeps the last, another reader the first', () => {
    expect(originOf('X-Matrix origin=southmere.nhs.uk,key=k,sig=s,origin=evil.example')).toBe('refused');
    expect(originOf('X-Matrix origin=southmere.nhs.uk,key=k,sig=s,ORIGIN=evil.example')).toBe('refused');
    expect(originOf('X-Matrix origin=southmere.nhs.uk,key=k,sig=s,sig=t')).toBe('refused');
  });

  it('refuses several Authorization headers: Synapse authenticates the last one’s origin', () => {
    expect(originOf(synapseHeader('southmere.nhs.uk'), synapseHeader('evil.example'))).toBe('refused');
    expect(originOf(synapseHeader('southmere.nhs.uk'), synapseHeader('southmere.nhs.uk'))).toBe('refused');
    expect(originOf(synapseHeader('southmere.nhs.uk'), 'Bearer token')).toBe('refused');
  });

  it('refuses what readers split or unquote differently: commas or quotes inside values, spaces around "="', () => {
    // Synapse splits inside the quotes: its origin would be `evil.example"`.
    expect(originOf('X-Matrix origin="southmere.nhs.uk",key="k",sig="a,origin=evil.example"')).toBe(
      'refused',
    );
    expect(originOf('X-Matrix origin="southmere.nhs.uk,key=k,sig=s')).toBe('refused');
    expect(originOf('X-Matrix origin="southmere.nhs.uk"x,key=k,sig=s')).toBe('refused');
    expect(originOf('X-Matrix origin = southmere.nhs.uk,key=k,sig=s')).toBe('refused');
    expect(originOf('X-Matrix origin=south"mere.nhs.uk,key=k,sig=s')).toBe('refused');
    expect(originOf('X-Matrix origin=southmere.nhs.uk,key=k,sig=s,')).toBe('refused');
    expect(originOf('X-Matrix origin=southmere.nhs.uk;key=k;sig=s')).toBe('refused');
  });

  it('refuses anything but an X-Matrix header with origin, key, sig and a server name for origin', () => {
    for (const header of [
      'Bearer token',
      'x-matrix origin=southmere.nhs.uk,key=k,sig=s',
      'X-Matrix\torigin=southmere.nhs.uk,key=k,sig=s',
      'X-Matrixorigin=southmere.nhs.uk,key=k,sig=s',
      'X-Matrix origin=southmere.nhs.uk,key=k',
      'X-Matrix key=k,sig=s',
      'X-Matrix origin=southmere.nhs.uk/x,key=k,sig=s',
      'X-Matrix origin=[::1],key=k,sig=s',
      'X-Matrix origin=southmére.nhs.uk,key=k,sig=s',
    ]) {
      expect(originOf(header), header).toBe('refused');
    }
    expect(readXMatrixOrigin(undefined)).toMatchObject({ outcome: 'refused' });
    expect(readXMatrixOrigin([])).toMatchObject({ outcome: 'refused' });
  });

  // Header pieces chosen to collide: names that differ by case or spacing, values with the separators inside.
  const names = fc.constantFrom(
    'origin',
    'Origin',
    'ORIGIN',
    'key',
    'sig',
    'destination',
    'origin ',
    ' origin',
    'x',
    '',
  );
  const valueText = fc
    .array(
      fc.constantFrom(
        'southmere.nhs.uk',
        'evil.example',
        'a.b:8448',
        'a.b:+1_0',
        '[::1]',
        ',',
        ', ',
        '"',
        '\\',
        '\\"',
        '=',
        ' ',
        '\t',
        'origin=evil.example',
        'é',
        'ed25519:1',
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.join(''));
  const value = fc.oneof(
    valueText,
    valueText.map((text) => `"${text}"`),
    valueText.map((text) => `"${text}`),
  );
  const param = fc
    .tuple(names, fc.constantFrom('=', ' =', '= ', ''), value)
    .map(([name, equals, text]) => `${name}${equals}${text}`);
  const header = fc
    .tuple(
      fc.constantFrom('X-Matrix ', 'X-Matrix  ', 'X-Matrix\t', 'x-matrix ', 'X-Matrix', 'Bearer ', ''),
      fc.array(param, { maxLength: 6 }),
      fc.constantFrom(',', ', ', ' ,', '\t,\t', ',,', ' '),
    )
    .map(([scheme, params, separator]) => `${scheme}${params.join(separator)}`);
  // Well-formed headers in any order and quoting, so the comparison also runs on headers the gateway accepts.
  const validHeader = fc
    .tuple(
      fc.constantFrom('origin=southmere.nhs.uk', 'origin="evil.example"', 'Origin="a.b:8448"'),
      fc.constantFrom('key="ed25519:1"', 'KEY=ed25519:1', 'key="ed\\25519"'),
      fc.constantFrom('sig=c2ln', 'sig="c2\\"ln"'),
      // Sometimes a second origin (or sig): the duplicate a stranger hides its real name behind.
      fc.constantFrom(
        [],
        ['destination=x.y'],
        ['destination="x.y:1"'],
        ['origin=evil.example'],
        ['ORIGIN="southmere.nhs.uk"'],
        ['sig=x'],
      ),
      fc.constantFrom(',', ', ', ' , ', '\t,'),
    )
    .chain(([origin, key, sig, rest, separator]) =>
      fc
        .shuffledSubarray([origin, key, sig, ...rest], { minLength: 3 + rest.length })
        .map((params) => `X-Matrix ${params.join(separator)}`),
    );
  // Mostly one header (what a server sends), sometimes several.
  const headerLists = fc.oneof(
    { arbitrary: fc.tuple(fc.oneof(header, validHeader)), weight: 4 },
    { arbitrary: fc.array(fc.oneof(header, validHeader), { minLength: 2, maxLength: 3 }), weight: 1 },
  );

  it('gives the origin Synapse authenticates, or refuses (property, against a port of Synapse’s parser)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(headerLists, (headers) => {
        const reading = readXMatrixOrigin(headers);
        if (reading.outcome !== 'origin') return;
        accepted += 1;
        expect(synapseOriginOf(headers), JSON.stringify(headers)).toEqual({ origin: reading.origin });
      }),
      { numRuns: 5000 },
    );
    // The property says nothing if the gateway refuses everything.
    expect(accepted).toBeGreaterThan(700);
  });

  it('accepts every header Synapse itself sends (property)', () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const name = fc
      .tuple(fc.array(label, { minLength: 1, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 })))
      .map(([labels, port]) => `${labels.join('.')}${port === null ? '' : `:${port}`}`);
    fc.assert(
      fc.property(
        name,
        name,
        fc.stringMatching(/^ed25519:[A-Za-z0-9_]{1,8}$/),
        fc.base64String(),
        (origin, destination, key, sig) => {
          const headers = [synapseHeader(origin, destination, key, sig.replace(/=+$/, ''))];
          expect(readXMatrixOrigin(headers)).toEqual({ outcome: 'origin', origin });
          expect(synapseOriginOf(headers)).toEqual({ origin });
        },
      ),
    );
  });
});
