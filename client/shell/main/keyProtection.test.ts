import { describe, expect, it } from 'vitest';
import { keyProtectionRefusal, type KeychainProbe } from './keyProtection.ts';

function keychain(available: boolean, backend: string): KeychainProbe & { backendAsked: boolean } {
  return {
    backendAsked: false,
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend() {
      this.backendAsked = true;
      return backend;
    },
  };
}

describe('whether safeStorage protects the sealing key here', () => {
  it('refuses to run when the OS keychain cannot encrypt', () => {
    expect(keyProtectionRefusal(keychain(false, 'gnome_libsecret'), 'linux')?.code).toBe('no-keychain');
    expect(keyProtectionRefusal(keychain(false, 'unknown'), 'win32')?.code).toBe('no-keychain');
    expect(keyProtectionRefusal(keychain(false, 'unknown'), 'darwin')?.code).toBe('no-keychain');
  });

  it("refuses Linux's basic_text backend (a hard-coded key: the key on disk in the clear)", () => {
    const refusal = keyProtectionRefusal(keychain(true, 'basic_text'), 'linux');
    expect(refusal?.code).toBe('keychain-stores-plaintext');
    expect(refusal?.text).toContain('basic_text');
  });

  it('refuses a Linux backend it cannot name', () => {
    expect(keyProtectionRefusal(keychain(true, 'unknown'), 'linux')?.code).toBe('keychain-stores-plaintext');
  });

  it.each(['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6'])('runs on Linux with %s', (backend) => {
    expect(keyProtectionRefusal(keychain(true, backend), 'linux')).toBeUndefined();
  });

  it('runs on Windows (DPAPI) and macOS (Keychain) when encryption is available, without asking for a backend', () => {
    for (const platform of ['win32', 'darwin']) {
      const probe = keychain(true, 'unknown');
      expect(keyProtectionRefusal(probe, platform)).toBeUndefined();
      expect(probe.backendAsked).toBe(false);
    }
  });
});
