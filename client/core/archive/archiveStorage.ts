// Where the message archive's sealed records live on this desktop, supplied by the platform: a directory of files
// under Node (node/fileArchiveStorage.ts), IndexedDB in the desktop's renderer (browser/indexedDbArchiveStorage.ts).
// The storage only keeps bytes under names: the core seals every record before it gets here (archiveCipher.ts), so no
// platform's storage ever holds a message in the clear, whatever it is built on.

export interface ArchiveStorage {
  /** The names of every record kept. */
  list(): Promise<readonly string[]>;
  /** The bytes kept under this name, or undefined if there are none. */
  read(name: string): Promise<Uint8Array | undefined>;
  /** Keeps these bytes under this name, replacing what was there; whole or not at all. */
  write(name: string, bytes: Uint8Array): Promise<void>;
  /** Deletes these records; a name with no record is not an error. */
  delete(names: readonly string[]): Promise<void>;
  /** Deletes every record and whatever holds them (the wipe at sign-out). */
  destroy(): Promise<void>;
}

/** Record names are short and portable: letters, digits, '-', '_' and '.', safe as file names and IndexedDB keys. */
export const recordNamePattern = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;
