import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateNotAfterSeconds, registerValidityGauges } from './validityMetrics.ts';

const run = promisify(execFile);

/** A self-signed certificate valid for `days`, made by openssl as a trust's would be, and openssl's own notAfter. */
async function certificate(dir: string, days: number): Promise<{ pem: Buffer; notAfter: number }> {
  const [cert, key] = [join(dir, `${days}.crt`), join(dir, `${days}.key`)];
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=matrix.northgate.nhs.uk',
    '-days',
    String(days),
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  const { stdout } = await run('openssl', ['x509', '-noout', '-enddate', '-in', cert]);
  return { pem: await readFile(cert), notAfter: Date.parse(stdout.replace('notAfter=', '').trim()) / 1000 };
}

function sample(text: string, name: string): number | undefined {
  const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return line?.[1] === undefined ? undefined : Number(line[1]);
}

describe('the gateway validity gauges', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bleep-validity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads a certificate's notAfter as openssl does", async () => {
    const { pem, notAfter } = await certificate(dir, 30);
    expect(certificateNotAfterSeconds(pem)).toBe(notAfter);
    expect(notAfter - Date.now() / 1000).toBeGreaterThan(29 * 86_400);
    expect(notAfter - Date.now() / 1000).toBeLessThan(31 * 86_400);
  });

  it('serves the expiry of the directory in force and of the certificate served now, read at each scrape', async () => {
    const first = await certificate(dir, 10);
    const renewed = await certificate(dir, 90);
    let served = first.pem;
    let directoryExpiresAt: string | undefined = '2027-02-01T00:00:00.000Z';
    const registry = new Registry();
    registerValidityGauges(registry, {
      directoryExpiresAt: () => directoryExpiresAt,
      servedCertificate: () => served,
    });
    const before = await registry.metrics();
    expect(sample(before, 'bleep_gateway_trust_directory_expiry_timestamp_seconds')).toBe(
      Date.parse('2027-02-01T00:00:00Z') / 1000,
    );
    expect(sample(before, 'bleep_gateway_tls_certificate_expiry_timestamp_seconds')).toBe(first.notAfter);

    served = renewed.pem;
    directoryExpiresAt = '2027-05-01T12:00:00.000Z';
    const after = await registry.metrics();
    expect(sample(after, 'bleep_gateway_trust_directory_expiry_timestamp_seconds')).toBe(
      Date.parse('2027-05-01T12:00:00Z') / 1000,
    );
    expect(sample(after, 'bleep_gateway_tls_certificate_expiry_timestamp_seconds')).toBe(renewed.notAfter);
  });

  it('reads 0 while no directory is in force, as long expired, since the gateway then federates with nobody', async () => {
    const registry = new Registry();
    let directoryExpiresAt: string | undefined = '2027-02-01T00:00:00.000Z';
    const { pem } = await certificate(dir, 5);
    registerValidityGauges(registry, {
      directoryExpiresAt: () => directoryExpiresAt,
      servedCertificate: () => pem,
    });
    const name = 'bleep_gateway_trust_directory_expiry_timestamp_seconds';
    expect(sample(await registry.metrics(), name)).toBeGreaterThan(0);
    directoryExpiresAt = undefined;
    const text = await registry.metrics();
    expect(sample(text, name)).toBe(0);
    // No label on either gauge: nothing names a user, a room or a device.
    expect(text).not.toMatch(/^bleep_gateway_\w+\{/m);
  });
});
