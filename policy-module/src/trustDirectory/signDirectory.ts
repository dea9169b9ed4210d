// The directory authority's side: signs a trust directory document (for its own tooling and for the local stack).
import { sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonicalJson.ts';
import { directoryDocumentSchema, type DirectoryDocument, type SignedDirectory } from './trustDirectory.ts';

export function signDirectory(
  document: DirectoryDocument,
  privateKey: KeyObject,
  keyId: string,
): SignedDirectory {
  const directory = directoryDocumentSchema.parse(document);
  const signature = sign(null, Buffer.from(canonicalJson(directory)), privateKey).toString('base64');
  return { directory, keyId, signature };
}
