// Where each clinician's stores live on a shared desktop under Node: a folder per clinician in the desktop's profile
// (named by a hash of the sign-in name, so the folder names do not list who uses the desktop), holding their
// passphrase-sealed secret file, the passphrase being their PIN, and their archive's sealed records.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClinicianStores } from '../core/desktop/sharedDesktop.ts';
import { createFileArchiveStorage } from './fileArchiveStorage.ts';
import { openPassphraseSecretStore } from './passphraseSecretStore.ts';

export function clinicianDirectory(profileDirectory: string, clinician: string): string {
  const tag = createHash('sha256').update(clinician, 'utf8').digest('hex').slice(0, 24);
  return join(profileDirectory, 'clinicians', tag);
}

export function nodeClinicianStores(
  profileDirectory: string,
): (clinician: string, pin: string) => Promise<ClinicianStores> {
  return async (clinician, pin) => {
    const directory = clinicianDirectory(profileDirectory, clinician);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    return {
      secrets: await openPassphraseSecretStore({ path: join(directory, 'secrets.json'), passphrase: pin }),
      archive: createFileArchiveStorage(join(directory, 'archive')),
    };
  };
}
