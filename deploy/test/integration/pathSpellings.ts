// Spellings of one client-server API path, for the attack tests: what a client could send for the same endpoint
// (other API versions and unstable prefixes, letter case, percent-encoded letters and slashes, doubled and
// trailing slashes, "." and ".." segments, query strings), and path parameters in every valid percent-encoding.
// Synapse matches its route patterns on the raw path and percent-decodes the captured parameters afterwards, so
// a gateway that read any of these differently from Synapse would let a forbidden request through.
import fc from 'fast-check';

/** One segment after /_matrix/client/<version>/: a literal, or a parameter by its decoded value. */
export type PathPart = string | Readonly<{ value: string }>;

export function param(value: string): PathPart {
  return { value };
}

/** Versions Synapse has served its client API under, misspelt ones beside them. */
const versionSpellings = [
  'v3',
  'r0',
  'api/v1',
  'v1',
  'unstable',
  'unstable/org.matrix.msc3575',
  'V3',
  'R0',
  '%76%33',
  '%763',
  'v3/',
  './v3',
  'x/../v3',
  '',
];

function percentByte(byte: number, lowerHex: boolean): string {
  const hex = byte.toString(16).padStart(2, '0');
  return `%${lowerHex ? hex : hex.toUpperCase()}`;
}

/** Every byte of the UTF-8 text percent-encoded, including letters and digits. */
export function encodeEveryByte(text: string, lowerHex = false): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => percentByte(byte, lowerHex)).join('');
}

function encodeOneCharacter(text: string, at: number, lowerHex: boolean): string {
  const index = at % text.length;
  return `${text.slice(0, index)}${encodeEveryByte(text.charAt(index), lowerHex)}${text.slice(index + 1)}`;
}

function swapCase(text: string, at: number): string {
  const index = at % text.length;
  const character = text.charAt(index);
  const swapped = character === character.toLowerCase() ? character.toUpperCase() : character.toLowerCase();
  return `${text.slice(0, index)}${swapped}${text.slice(index + 1)}`;
}

/** A literal segment misspelt: in another case, or with one letter percent-encoded. */
function misspeltLiteral(segment: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(segment.toUpperCase()),
    fc.nat().map((at) => swapCase(segment, at)),
    fc.tuple(fc.nat(), fc.boolean()).map(([at, lower]) => encodeOneCharacter(segment, at, lower)),
  );
}

/** A parameter in a valid percent-encoding: Synapse decodes all of these to the same value. */
export function spelledParam(value: string): fc.Arbitrary<string> {
  const standard = encodeURIComponent(value);
  // Left unencoded only where that changes nothing about where the path splits.
  const raw = /^[\x21-\x7e]*$/.test(value) && !/[/?#%]/.test(value) ? value : standard;
  return fc.constantFrom(
    standard,
    standard,
    raw,
    encodeEveryByte(value),
    encodeEveryByte(value, true),
    standard.replaceAll('.', '%2E').replaceAll('_', '%5F'),
  );
}

const oddSeparators = ['//', '/./', '%2F', '%2f', '/x/../', '/%2E/'];
const oddEndings = ['/', '//', '?', '?ts=1', '?v=1&x=%2F', '/.', '/..', '#', '%20', '%00'];

/** One deliberate misspelling: of a literal segment, of a separator, or of the path's end. */
type Misspelling =
  | Readonly<{ kind: 'literal'; at: number; spelt: (segment: string) => fc.Arbitrary<string> }>
  | Readonly<{ kind: 'separator'; at: number; separator: string }>
  | Readonly<{ kind: 'ending'; ending: string }>;

const misspelling: fc.Arbitrary<Misspelling> = fc.oneof(
  fc.nat().map((at): Misspelling => ({ kind: 'literal', at, spelt: misspeltLiteral })),
  fc
    .tuple(fc.nat(), fc.constantFrom(...oddSeparators))
    .map(([at, separator]): Misspelling => ({ kind: 'separator', at, separator })),
  fc.constantFrom(...oddEndings).map((ending): Misspelling => ({ kind: 'ending', ending })),
);

export type SpellingOptions = Readonly<{
  /** More version spellings for this endpoint (an unstable MSC prefix, say). */
  versions?: readonly string[];
  /** How often the canonical v3 prefix is kept, against one spelling in the list (default 3). */
  v3Weight?: number;
}>;

/**
 * Any spelling of /_matrix/client/<version>/<parts>: the version, the parameters in any valid encoding, and none,
 * one or two misspellings (so that about half the samples still read as the endpoint, and the rest each differ
 * from it in a way that can be told).
 */
export function spelledClientPath(
  parts: readonly PathPart[],
  options: SpellingOptions = {},
): fc.Arbitrary<string> {
  const version = fc.oneof(
    { weight: options.v3Weight ?? 3, arbitrary: fc.constant('v3') },
    { weight: 1, arbitrary: fc.constantFrom(...versionSpellings, ...(options.versions ?? [])) },
  );
  const params = fc.tuple(
    ...parts.map((part) => (typeof part === 'string' ? fc.constant(part) : spelledParam(part.value))),
  );
  const literalIndexes = ['_matrix', 'client', ...parts].flatMap((part, index) =>
    typeof part === 'string' && part !== '' ? [index] : [],
  );
  return fc
    .tuple(
      version,
      params,
      fc.oneof(
        { weight: 2, arbitrary: fc.constant([]) },
        { weight: 1, arbitrary: fc.array(misspelling, { minLength: 1, maxLength: 1 }) },
        { weight: 1, arbitrary: fc.array(misspelling, { minLength: 2, maxLength: 2 }) },
      ),
    )
    .chain(([spelledVersion, spelledParts, misspellings]) => {
      const pieces = ['_matrix', 'client', ...spelledParts];
      const literalMisspellings = misspellings.flatMap((one) => {
        if (one.kind !== 'literal') return [];
        const index = literalIndexes[one.at % literalIndexes.length] ?? 0;
        return [fc.tuple(fc.constant(index), one.spelt(pieces[index] ?? ''))];
      });
      return fc.tuple(...literalMisspellings).map((respelt) => {
        for (const [index, spelt] of respelt) pieces[index] = spelt;
        const separators = pieces.map(() => '/');
        let ending = '';
        for (const one of misspellings) {
          if (one.kind === 'separator') separators[one.at % separators.length] = one.separator;
          if (one.kind === 'ending') ending = one.ending;
        }
        // The version goes in after _matrix/client: its own spellings are the version list's.
        const [matrix = '', client = '', ...rest] = pieces;
        const segments = [matrix, client, spelledVersion, ...rest];
        return `${segments.map((segment, index) => `${index === 0 ? '/' : (separators[index - 1] ?? '/')}${segment}`).join('')}${ending}`;
      });
    });
}

/** The canonical spelling (v3, standard encoding), which every sample includes. */
export function canonicalClientPath(parts: readonly PathPart[]): string {
  return `/_matrix/client/v3/${parts.map((part) => (typeof part === 'string' ? part : encodeURIComponent(part.value))).join('/')}`;
}

export const anyMethod = fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH');

/** Mostly the endpoint's own method, sometimes any other. */
export function methodMostly(method: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: anyMethod });
}

/** The seed of a file's samples: fixed, so a failure replays; GATEWAY_ATTACK_SEED explores others. */
export function attackSeed(fixed: number): number {
  const chosen = process.env.GATEWAY_ATTACK_SEED;
  return chosen === undefined ? fixed : Number(chosen);
}
