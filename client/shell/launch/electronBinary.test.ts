import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installedElectron, type BinaryFiles } from './electronBinary.ts';

const electron = '/repo/node_modules/electron';

function filesWith(present: Readonly<Record<string, string>>): BinaryFiles {
  return {
    exists: (path) => Object.hasOwn(present, path),
    readText: (path) => present[path],
  };
}

describe('the downloaded Electron binary', () => {
  it('is the file path.txt names under dist/', () => {
    const files = filesWith({
      [join(electron, 'path.txt')]: 'electron',
      [join(electron, 'dist', 'electron')]: '',
    });
    expect(installedElectron(electron, files)).toBe(join(electron, 'dist', 'electron'));
  });

  it('is missing when npm ci ran no install script (no path.txt)', () => {
    expect(installedElectron(electron, filesWith({}))).toBeUndefined();
  });

  it('is missing when path.txt names a file that is not there (an interrupted download)', () => {
    const files = filesWith({ [join(electron, 'path.txt')]: 'Electron.app/Contents/MacOS/Electron' });
    expect(installedElectron(electron, files)).toBeUndefined();
  });

  it('is missing when path.txt is empty', () => {
    expect(installedElectron(electron, filesWith({ [join(electron, 'path.txt')]: '\n' }))).toBeUndefined();
  });
});
