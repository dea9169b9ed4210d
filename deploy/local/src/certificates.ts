// The local certificate authority and each trust's federation TLS certificate. Synapse verifies partners'
// certificates against this CA (federation_custom_ca_list), so certificate checking stays on in the local stack.
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureHostPackages } from './hostPackages.ts';
import { runLogged } from './progress.ts';

export type CaFiles = Readonly<{ certPath: string; keyPath: string }>;
export type TlsFiles = Readonly<{ certPath: string; keyPath: string }>;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function ensureLocalCa(caDir: string, logPath: string): Promise<CaFiles> {
  const files = { certPath: join(caDir, 'ca.crt'), keyPath: join(caDir, 'ca.key') };
  if ((await exists(files.certPath)) && (await exists(files.keyPath))) return files;
  await ensureHostPackages({ openssl: 'openssl' }, logPath);
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  await runLogged(
    'openssl',
    [
      'req',
      '-x509',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      files.keyPath,
      '-out',
      files.certPath,
      '-days',
      '3650',
      '-subj',
      '/CN=Bleep local test CA (not for production)',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    logPath,
  );
  return files;
}

/** A server certificate for `hostname`, signed by the local CA; also valid for 127.0.0.1. */
export async function ensureTlsCertificate(
  dir: string,
  hostname: string,
  ca: CaFiles,
  logPath: string,
): Promise<TlsFiles> {
  const files = { certPath: join(dir, 'tls.crt'), keyPath: join(dir, 'tls.key') };
  if ((await exists(files.certPath)) && (await exists(files.keyPath))) return files;
  await mkdir(dir, { recursive: true });
  const csrPath = join(dir, 'tls.csr');
  const extPath = join(dir, 'tls.ext');
  await writeFile(
    extPath,
    [
      `subjectAltName=DNS:${hostname},IP:127.0.0.1`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth,clientAuth',
    ].join('\n'),
  );
  await runLogged(
    'openssl',
    [
      'req',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-keyout',
      files.keyPath,
      '-out',
      csrPath,
      '-subj',
      `/CN=${hostname}`,
    ],
    logPath,
  );
  await runLogged(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csrPath,
      '-CA',
      ca.certPath,
      '-CAkey',
      ca.keyPath,
      '-CAcreateserial',
      '-out',
      files.certPath,
      '-days',
      '825',
      '-extfile',
      extPath,
    ],
    logPath,
  );
  return files;
}
