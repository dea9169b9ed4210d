// Reads every file of a Chromium profile directory for a text, as someone holding the disk would: in UTF-8 (also
// what Chromium's IndexedDB keeps a Latin-1 string as) and in UTF-16LE (how it keeps any other string), and in each
// LevelDB table (IndexedDB's files once compacted) block by block, uncompressed.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { leveldbTableBlocks } from './leveldbTableBlocks.ts';

/** Every file under `directory` whose bytes hold `text`, by path relative to the directory. */
export async function profileFilesContaining(directory: string, text: string): Promise<string[]> {
  const needles = [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le')];
  const found: string[] = [];
  for (const entry of await readdir(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const bytes = await readFile(path);
    const readable = path.endsWith('.ldb')
      ? [bytes, ...leveldbTableBlocks(bytes).map((block) => Buffer.from(block))]
      : [bytes];
    if (readable.some((part) => needles.some((needle) => part.includes(needle)))) {
      found.push(path.slice(directory.length + 1));
    }
  }
  return found;
}

/** How many files the profile holds, so a scan that read nothing cannot pass. */
export async function profileFileCount(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}
