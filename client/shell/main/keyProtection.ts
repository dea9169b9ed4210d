// Whether safeStorage really protects the sealing key on this computer. Without an OS keychain, safeStorage either
// cannot encrypt at all or (on Linux with no secret service) "encrypts" with a hard-coded key, the 'basic_text'
// backend: the key would be on disk as good as in the clear, so the shell refuses to run rather than pretend.
import { StartupRefusal } from './startupRefusal.ts';

/** The part of Electron's safeStorage this decision reads (call it after the app is ready). */
export interface KeychainProbe {
  isEncryptionAvailable(): boolean;
  /** Linux only: which secret store safeStorage chose. */
  getSelectedStorageBackend(): string;
}

/** Undefined when the key can be protected here; otherwise the refusal to show. */
export function keyProtectionRefusal(keychain: KeychainProbe, platform: string): StartupRefusal | undefined {
  if (!keychain.isEncryptionAvailable()) return new StartupRefusal('no-keychain');
  if (platform !== 'linux') return undefined;
  const backend = keychain.getSelectedStorageBackend();
  // 'unknown' is what Electron answers before the app is ready or when it could not tell: no proof of protection.
  if (backend === 'basic_text' || backend === 'unknown') {
    return new StartupRefusal('keychain-stores-plaintext', `safeStorage backend ${backend}`);
  }
  return undefined;
}
