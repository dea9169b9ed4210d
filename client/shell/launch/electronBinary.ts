// Where the Electron executable is, if it has been downloaded. npm ci runs no install script here (.npmrc:
// ignore-scripts), so the electron package arrives without its binary; its install.js writes the binary into
// node_modules/electron/dist and names it in path.txt. Read here without requiring 'electron', whose index.js would
// start a download of its own as a side effect.
import { join } from 'node:path';

export interface BinaryFiles {
  exists(path: string): boolean;
  readText(path: string): string | undefined;
}

/** The executable's path when path.txt names one that is there; undefined when it must be downloaded. */
export function installedElectron(electronPackageDirectory: string, files: BinaryFiles): string | undefined {
  const named = files.readText(join(electronPackageDirectory, 'path.txt'))?.trim();
  if (named === undefined || named === '') return undefined;
  const executable = join(electronPackageDirectory, 'dist', named);
  return files.exists(executable) ? executable : undefined;
}
