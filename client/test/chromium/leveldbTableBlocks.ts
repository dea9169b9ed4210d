// The blocks of a LevelDB table file (*.ldb), uncompressed: Chromium keeps IndexedDB in LevelDB, and once it compacts
// its log into tables it may compress a block with Snappy, where a text need not appear as its bytes. The profile scan
// reads these too, so a value kept in the clear is found wherever LevelDB put it.
// Format: github.com/google/leveldb/blob/main/doc/table_format.md; Snappy: github.com/google/snappy/blob/main/format_description.txt

const footerBytes = 48;
const tableMagic = 0xdb4775248b80fb57n;
const noCompression = 0;
const snappyCompression = 1;

function varint(bytes: Uint8Array, start: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  let at = start;
  for (;;) {
    const byte = bytes[at++];
    if (byte === undefined) throw new Error('varint past the end');
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [value, at];
    shift += 7;
  }
}

/** Snappy's raw format: a varint length, then literals and back-references. */
export function snappyUncompress(input: Uint8Array): Uint8Array {
  const [length, start] = varint(input, 0);
  const output = new Uint8Array(length);
  let at = start;
  let out = 0;
  const littleEndian = (count: number) => {
    let value = 0;
    for (let index = 0; index < count; index++) value += (input[at + index] ?? 0) * 2 ** (8 * index);
    at += count;
    return value;
  };
  while (at < input.length) {
    const tag = input[at++] ?? 0;
    const kind = tag & 3;
    if (kind === 0) {
      let size = tag >> 2;
      size = (size < 60 ? size : littleEndian(size - 59)) + 1;
      output.set(input.subarray(at, at + size), out);
      at += size;
      out += size;
      continue;
    }
    let size: number;
    let offset: number;
    if (kind === 1) {
      size = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | (input[at++] ?? 0);
    } else {
      size = (tag >> 2) + 1;
      offset = littleEndian(kind === 2 ? 2 : 4);
    }
    if (offset === 0 || offset > out) throw new Error('snappy: a copy before the start');
    // Byte by byte: a copy may overlap what it writes.
    for (let index = 0; index < size; index++, out++) output[out] = output[out - offset] ?? 0;
  }
  if (out !== length) throw new Error('snappy: not the length announced');
  return output;
}

function block(table: Uint8Array, offset: number, size: number): Uint8Array {
  const contents = table.subarray(offset, offset + size);
  const kind = table[offset + size];
  if (kind === noCompression) return contents;
  if (kind === snappyCompression) return snappyUncompress(contents);
  throw new Error(`a LevelDB block of unknown compression ${String(kind)}`);
}

/** Every block a table's index names (its data), uncompressed; throws if this is no LevelDB table. */
export function leveldbTableBlocks(table: Uint8Array): Uint8Array[] {
  const footer = table.subarray(table.length - footerBytes);
  const view = new DataView(footer.buffer, footer.byteOffset, footer.byteLength);
  const magic =
    (BigInt(view.getUint32(footerBytes - 4, true)) << 32n) | BigInt(view.getUint32(footerBytes - 8, true));
  if (table.length < footerBytes || magic !== tableMagic) throw new Error('not a LevelDB table');
  const [, afterMetaOffset] = varint(footer, 0);
  const [, afterMetaSize] = varint(footer, afterMetaOffset);
  const [indexOffset, afterIndexOffset] = varint(footer, afterMetaSize);
  const [indexSize] = varint(footer, afterIndexOffset);
  const index = block(table, indexOffset, indexSize);
  const restarts = new DataView(index.buffer, index.byteOffset, index.byteLength).getUint32(
    index.length - 4,
    true,
  );
  const entriesEnd = index.length - 4 - 4 * restarts;
  const blocks: Uint8Array[] = [];
  let at = 0;
  while (at < entriesEnd) {
    const [, afterShared] = varint(index, at);
    const [keyBytes, afterKey] = varint(index, afterShared);
    const [valueBytes, valueStart] = varint(index, afterKey);
    const [offset, afterOffset] = varint(index, valueStart + keyBytes);
    const [size] = varint(index, afterOffset);
    blocks.push(block(table, offset, size));
    at = valueStart + keyBytes + valueBytes;
  }
  return blocks;
}
