// A trust's long-lived secrets: Synapse's signing key and the secrets its config reads from files. Made once
// per trust and kept until `reset`; never printed except the registration secret in `status --json`.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Synapse's signing key file format: "ed25519 <key id> <unpadded base64 of the 32-byte seed>". */
export function synapseSigningKey(keyId: string): string {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  // The PKCS#8 encoding of an Ed25519 key ends with the 32-byte seed.
  const seed = der.subarray(der.length - 32);
  return `ed25519 ${keyId} ${seed.toString('base64').replace(/=+$/, '')}\n`;
}

export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export type SecretFiles = Readonly<{
  signingKey: string;
  registrationSharedSecret: string;
  macaroonSecretKey: string;
  formSecret: string;
  databasePassword: string;
  /** The local stack's test-only application service (see testAppService.ts): its token and Synapse's. */
  testAppServiceToken: string;
  testAppServiceHsToken: string;
}>;

export function secretFilesIn(keysDir: string): SecretFiles {
  return {
    signingKey: join(keysDir, 'signing.key'),
    registrationSharedSecret: join(keysDir, 'registration_shared_secret'),
    macaroonSecretKey: join(keysDir, 'macaroon_secret_key'),
    formSecret: join(keysDir, 'form_secret'),
    databasePassword: join(keysDir, 'database_password'),
    testAppServiceToken: join(keysDir, 'test_app_service_token'),
    testAppServiceHsToken: join(keysDir, 'test_app_service_hs_token'),
  };
}

/** Writes a secret file unless it exists; an existing secret is never replaced. */
export async function writeSecretOnce(path: string, make: () => string): Promise<void> {
  try {
    // 'wx' fails if the file exists: an existing secret is never replaced.
    await writeFile(path, make(), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export async function ensureTrustSecrets(keysDir: string): Promise<SecretFiles> {
  const files = secretFilesIn(keysDir);
  await writeSecretOnce(files.signingKey, () => synapseSigningKey(`a_${randomBytes(3).toString('hex')}`));
  await writeSecretOnce(files.registrationSharedSecret, randomSecret);
  await writeSecretOnce(files.macaroonSecretKey, randomSecret);
  await writeSecretOnce(files.formSecret, randomSecret);
  await writeSecretOnce(files.databasePassword, randomSecret);
  await writeSecretOnce(files.testAppServiceToken, randomSecret);
  await writeSecretOnce(files.testAppServiceHsToken, randomSecret);
  return files;
}

export async function readSecret(path: string): Promise<string> {
  return (await readFile(path, 'utf8')).trim();
}
