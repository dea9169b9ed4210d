import { describe, expect, it } from 'vitest';
import { debianMirrorFrom } from './sidRoot.ts';

describe('Debian mirror for the sid root', () => {
  it('reads the mirror from deb822 sources and skips the security archive', () => {
    const sources = [
      'Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\n',
      'Types: deb\nURIs: http://mirror.example.ac.uk/debian/\nSuites: bookworm\n',
    ];
    expect(debianMirrorFrom(sources)).toBe('http://mirror.example.ac.uk/debian');
  });

  it('reads one-line sources, with options', () => {
    expect(debianMirrorFrom(['deb [arch=amd64] http://ftp.uk.debian.org/debian bookworm main\n'])).toBe(
      'http://ftp.uk.debian.org/debian',
    );
  });

  it('ignores third-party repositories', () => {
    expect(debianMirrorFrom(['deb https://deb.nodesource.com/node_20.x nodistro main\n'])).toBeUndefined();
  });
});
