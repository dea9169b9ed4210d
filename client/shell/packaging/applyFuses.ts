// Flips the fuses (bleepFuses.ts) in a packaged Electron binary, before it is signed:
//   node client/shell/packaging/applyFuses.ts <path to the packaged Electron executable or .app>
// A packager's afterCopy/afterPack hook calls applyFuses with the same path.
import { flipFuses } from '@electron/fuses';
import { bleepFuses } from './bleepFuses.ts';

export async function applyFuses(pathToElectron: string): Promise<void> {
  // macOS: the binary's ad-hoc signature is redone so it still starts before the real signing.
  await flipFuses(pathToElectron, {
    ...bleepFuses,
    resetAdHocDarwinSignature: process.platform === 'darwin',
  });
}

if (import.meta.main) {
  const [pathToElectron] = process.argv.slice(2);
  if (pathToElectron === undefined) {
    console.error('usage: node client/shell/packaging/applyFuses.ts <path to the packaged Electron binary>');
    process.exit(2);
  }
  await applyFuses(pathToElectron);
  console.log(`fuses set in ${pathToElectron}`);
}
