// The directory authority's side: signs a trust directory document (for its own tooling and for the local stack).
import { sign } from 'node:crypto';
import { authorityPrivateKey, type AuthorityKeyInput } from './authorityKey.ts';
import { canonicalJson } from './canonicalJson.ts';
import { directoryDocumentSchema, type DirectoryDocument, type SignedDirectory } from './trustDirectory.ts';

/** Checks the document against the schema, then signs its canonical JSON with the authority's Ed25519 key. */
export function signDirectory(
  document: DirectoryDocument,
  privateKey: AuthorityKeyInput,
  keyId: string,
): SignedDirectory {
  const directory = directoryDocumentSchema.parse(document);
  const signature = sign(null, Buffer.from(canonicalJson(directory)), authorityPrivateKey(privateKey));
  return { directory, keyId, signature: signature.toString('base64') };
}
