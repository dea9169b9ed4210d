import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { bleepFuses } from './bleepFuses.ts';

describe('the fuses of a packaged Bleep', () => {
  it('closes every way to run other code as the app: no run-as-node, NODE_OPTIONS or inspector', () => {
    expect(bleepFuses[FuseV1Options.RunAsNode]).toBe(false);
    expect(bleepFuses[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(bleepFuses[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
  });

  it('loads the app only from its asar, checked against the signed binary', () => {
    expect(bleepFuses[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(bleepFuses[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
  });

  it('encrypts cookies and gives file:// no extra privileges', () => {
    expect(bleepFuses[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(bleepFuses[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('decides every fuse this Electron has, and insists on it', () => {
    expect(bleepFuses.version).toBe(FuseVersion.V1);
    expect(bleepFuses.strictlyRequireAllFuses).toBe(true);
    const known = Object.values(FuseV1Options).filter((value) => typeof value === 'number');
    for (const fuse of known) expect(typeof bleepFuses[fuse], FuseV1Options[fuse]).toBe('boolean');
  });
});
