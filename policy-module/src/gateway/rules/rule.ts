// The shape every policy rule has: it looks at one classified request (and its JSON body when the rule needs it)
// and allows it, allows it rewritten, or refuses it with a Matrix error.
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import type { ClassifiedRequest } from '../classifyRequest.ts';
import type { MatrixError } from '../matrixError.ts';

export type RuleRequest = Readonly<{
  method: string;
  classified: ClassifiedRequest;
  /** Parsed JSON body, for the request kinds whose body the rules read; undefined otherwise. */
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}>;

export type RuleContext = Readonly<{
  policy: TrustPolicy;
  /** Partner server names allowed now: the policy's partners that the signed trust directory vouches for. */
  allowedPartners: () => readonly string[];
  /** NHS numbers found in free text. */
  findNhsNumbers: (text: string) => string[];
}>;

export type RuleVerdict =
  | Readonly<{ outcome: 'allow' }>
  | Readonly<{ outcome: 'rewrite'; body: unknown }>
  | Readonly<{ outcome: 'refuse'; error: MatrixError }>;

export type PolicyRule = Readonly<{
  /** Stable name, written to the audit trail and to the error's uk.nhs.bleep.rule. */
  name: string;
  check: (request: RuleRequest, context: RuleContext) => RuleVerdict;
}>;

export const allow: RuleVerdict = { outcome: 'allow' };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
