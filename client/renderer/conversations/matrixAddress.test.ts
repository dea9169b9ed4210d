import { describe, expect, it } from 'vitest';
import { serverOf, typedUserId } from './matrixAddress.ts';

describe('a Matrix address typed to find someone', () => {
  it('is read in full, ports included, whatever the case', () => {
    expect(typedUserId(' @Rachel.Mensah:trust-b.localhost:8449 ')).toBe(
      '@rachel.mensah:trust-b.localhost:8449',
    );
    expect(serverOf('@rachel.mensah:trust-b.localhost:8449')).toBe('trust-b.localhost:8449');
  });

  it('is not a name, a half address or something with spaces', () => {
    for (const typed of ['Rachel', '@rachel', 'rachel:trust-b', '@ra chel:trust-b', '@r:trust b'])
      expect(typedUserId(typed)).toBeNull();
  });
});
