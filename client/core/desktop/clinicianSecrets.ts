// On a shared ward desktop, the secrets one clinician's session keeps are split by whose they are: the desktop's
// enrolment (its credential from trust IT) is the desktop's and every clinician signs in with it; the session, the
// crypto store's key and the archive's key are the clinician's, sealed under a key that needs their PIN.
import type { SecretName, SecretStore } from '../secrets/secretStore.ts';

/** The one secret that belongs to the desktop rather than to whoever is signed in. */
const desktopSecrets: ReadonlySet<SecretName> = new Set(['desktop-enrolment']);

export function clinicianSecrets(desktop: SecretStore, clinician: SecretStore): SecretStore {
  const storeFor = (name: SecretName) => (desktopSecrets.has(name) ? desktop : clinician);
  return {
    read: (name) => storeFor(name).read(name),
    write: (name, value) => storeFor(name).write(name, value),
    delete: (name) => storeFor(name).delete(name),
  };
}
