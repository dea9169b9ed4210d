// The Electron fuses a packaged Bleep is built with: switches compiled into the binary that no argument,
// environment variable or file can turn back. Each closes a way to run code in the app's place, with its keychain
// access (safeStorage) and its profile, without touching the signed app.
import { FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

export const bleepFuses = {
  version: FuseVersion.V1,
  // Every fuse this Electron knows is set here: an upgrade that adds one fails packaging until it is decided.
  strictlyRequireAllFuses: true,
  // ELECTRON_RUN_AS_NODE would make the binary a plain Node with the app's identity.
  [FuseV1Options.RunAsNode]: false,
  // Cookies (the app keeps none it needs) are encrypted with the OS keychain like everything else at rest.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS could --require any script into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends would open a debugger on the main process, which holds the sealing key.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app.asar is checked against the hash in the signed binary: a changed main.cjs or preload does not start.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only the (integrity-checked) app.asar is loaded, never a loose app/ folder placed beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // No custom V8 snapshot for the browser process: nothing of ours needs one.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // file:// gets no extra privileges: the app is served from bleep://app, never from files.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  // Electron's default: WebAssembly (rust crypto) keeps its fast, guard-page bounds checks.
  [FuseV1Options.WasmTrapHandlers]: true,
} satisfies FuseV1Config;
