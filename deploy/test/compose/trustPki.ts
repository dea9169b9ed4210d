// Each test trust's own certificate authority (an HSCN-style private PKI) and the certificate its gateway serves,
// for clients on 443 and partners on 8448: named for the trust's server name and its public address. A partner's
// Synapse trusts the CA through federation_custom_ca_list, so certificate checks stay on.
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runLogged } from '../../local/src/progress.ts';

export type TrustCertificate = Readonly<{
  dir: string;
  certPath: string;
  keyPath: string;
  caCertPath: string;
}>;

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

/** A CA of the trust's own, named for it: two trusts' CAs must differ by subject for a chain to find its issuer. */
async function makeTrustCa(
  caDir: string,
  trustName: string,
  logPath: string,
): Promise<{ cert: string; key: string }> {
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  const files = { cert: join(caDir, 'ca.crt'), key: join(caDir, 'ca.key') };
  await runLogged(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-nodes',
      ...ec,
      '-keyout',
      files.key,
      '-out',
      files.cert,
      '-days',
      '2',
      '-subj',
      `/CN=Bleep compose test CA, ${trustName} (not for production)`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    logPath,
  );
  return files;
}

/** The trust's CA (made in `caDir`) and, in `tlsDir`, tls.crt and tls.key readable by the gateway's uid. */
export async function issueTrustCertificate(
  input: Readonly<{
    trustName: string;
    caDir: string;
    tlsDir: string;
    serverName: string;
    publicIp: string;
    gatewayUid: number;
    logPath: string;
  }>,
): Promise<TrustCertificate> {
  const ca = await makeTrustCa(input.caDir, input.trustName, input.logPath);
  await mkdir(input.tlsDir, { recursive: true, mode: 0o755 });
  const certPath = join(input.tlsDir, 'tls.crt');
  const keyPath = join(input.tlsDir, 'tls.key');
  const csrPath = join(input.caDir, `${input.serverName}.csr`);
  const extPath = join(input.caDir, `${input.serverName}.ext`);
  await writeFile(
    extPath,
    [
      `subjectAltName=DNS:${input.serverName},IP:${input.publicIp}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
    ].join('\n'),
  );
  await runLogged(
    'openssl',
    ['req', '-new', '-nodes', ...ec, '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${input.serverName}`],
    input.logPath,
  );
  await runLogged(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-out',
      certPath,
      '-days',
      '2',
      '-extfile',
      extPath,
    ],
    input.logPath,
  );
  // The gateway runs as its image's user; the key is its alone.
  await chown(keyPath, input.gatewayUid, input.gatewayUid);
  return { dir: input.tlsDir, certPath, keyPath, caCertPath: ca.cert };
}
