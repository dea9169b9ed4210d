// Needs the built Synapse root (not the running stack): the gateway's reading of X-Matrix Authorization headers
// (readXMatrixOrigin) against Synapse's own parser, run under chroot in the sid root's Python: the origin Synapse
// authenticates is the last X-Matrix header's, each parsed by synapse.federation.transport.server._base's
// _parse_auth_header (authenticate_request's loop, as written there). Whenever the gateway names an origin,
// Synapse names the same one; otherwise the gateway refuses.
import { spawn } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readXMatrixOrigin } from '@bleep/policy-module';
import { localLayout } from '../../local/src/localLayout.ts';

type SynapseReading = Readonly<{ origin: string | null; error: string | null }>;

const synapseReader = `
import json, sys
from synapse.federation.transport.server._base import _parse_auth_header
for line in sys.stdin:
    origin, error = None, None
    try:
        for header in json.loads(line):
            raw = header.encode("utf-8")
            if raw.startswith(b"X-Matrix"):
                origin = _parse_auth_header(raw)[0]
    except Exception as e:
        origin, error = None, type(e).__name__
    print(json.dumps({"origin": origin, "error": error}))
`;

/** Synapse's reading of each request's Authorization headers, in one Python process. */
async function synapseReadings(requests: readonly (readonly string[])[]): Promise<SynapseReading[]> {
  const { sidRoot } = localLayout();
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(
      '/usr/sbin/chroot',
      ['--userspec=65534:65534', sidRoot, '/usr/bin/python3', '-c', synapseReader],
      {
        env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONDONTWRITEBYTECODE: '1' },
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', resolve);
    child.stdin.end(requests.map((headers) => `${JSON.stringify(headers)}\n`).join(''));
  });
  if (code !== 0)
    throw new Error(`Synapse's parser exited with ${String(code)}: ${Buffer.concat(stderr).toString()}`);
  const lines = Buffer.concat(stdout)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '');
  return lines.map((line) => JSON.parse(line) as SynapseReading);
}

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
);
const valueText = fc
  .array(
    fc.constantFrom(
      'southmere.nhs.uk',
      'evil.example',
      'a.b:8448',
      'a.b:+1_0',
      ',',
      ', ',
      '"',
      '\\',
      '=',
      ' ',
      '\t',
      'origin=evil.example',
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
const randomHeader = fc
  .tuple(
    fc.constantFrom('X-Matrix ', 'X-Matrix  ', 'X-Matrix\t', 'x-matrix ', 'X-Matrix', 'Bearer '),
    fc.array(
      fc
        .tuple(names, fc.constantFrom('=', ' =', '= '), value)
        .map(([name, equals, text]) => `${name}${equals}${text}`),
      { maxLength: 6 },
    ),
    fc.constantFrom(',', ', ', ' ,', '\t,\t', ',,'),
  )
  .map(([scheme, params, separator]) => `${scheme}${params.join(separator)}`);
const wellFormedHeader = fc
  .tuple(
    fc.constantFrom('origin=southmere.nhs.uk', 'origin="evil.example"', 'Origin="a.b:8448"'),
    fc.constantFrom('key="ed25519:1"', 'KEY=ed25519:1', 'key="ed\\\\25519"'),
    fc.constantFrom('sig=c2ln', 'sig="c2\\\\"ln"'),
    fc.constantFrom(
      [],
      ['destination=x.y'],
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
const headerLists = fc.oneof(
  { arbitrary: fc.tuple(fc.oneof(randomHeader, wellFormedHeader)), weight: 4 },
  {
    arbitrary: fc.array(fc.oneof(randomHeader, wellFormedHeader), { minLength: 2, maxLength: 3 }),
    weight: 1,
  },
);

describe("the gateway's X-Matrix reading against Synapse's own parser", () => {
  it('names the origin Synapse authenticates, or refuses', async () => {
    const requests = [
      // The attacks the gateway refuses, and the header Synapse itself sends.
      ['X-Matrix origin=southmere.nhs.uk,key=k,sig=s,origin=evil.example'],
      ['X-Matrix origin="southmere.nhs.uk",key="k",sig="a,origin=evil.example"'],
      ['X-Matrix origin=southmere.nhs.uk,key=k,sig=s', 'X-Matrix origin=evil.example,key=k,sig=s'],
      ['X-Matrix origin="southmere.nhs.uk",key="ed25519:a_1",sig="c2ln",destination="northgate.nhs.uk"'],
      ...fc.sample(headerLists, { numRuns: 3000, seed: 20261128 }),
    ];
    const synapse = await synapseReadings(requests);
    expect(synapse).toHaveLength(requests.length);
    let agreed = 0;
    const disagreements = requests.flatMap((headers, index) => {
      const gateway = readXMatrixOrigin(headers);
      if (gateway.outcome !== 'origin') return [];
      agreed += 1;
      const reading = synapse[index];
      return reading?.origin === gateway.origin && reading.error === null
        ? []
        : [`${JSON.stringify(headers)}: gateway ${gateway.origin}, Synapse ${JSON.stringify(reading)}`];
    });
    expect(disagreements).toEqual([]);
    expect(agreed).toBeGreaterThan(150);
    // The duplicated origin is the attack: Synapse would have authenticated the last one.
    expect(synapse[0]).toEqual({ origin: 'evil.example', error: null });
    expect(readXMatrixOrigin(requests[0])).toMatchObject({ outcome: 'refused' });
  });
});
