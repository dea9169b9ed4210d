// The shape every policy rule has: it looks at one request to a route of the gateway's table (its path
// parameters, its parsed JSON body, who sent it) and allows it, allows it rewritten, or refuses it with a Matrix
// error.
import type { TrustPolicy } from '../../policy/trustPolicy.ts';
import type { MatrixError } from '../matrixError.ts';
import type { ClientRoute } from '../routes/clientRoutes.ts';
import type { PathParams } from '../routes/routeTemplate.ts';
import type { Identity } from '../whoAmI.ts';

export type RuleRequest = Readonly<{
  method: string;
  route: ClientRoute;
  params: PathParams;
  /** The query string's parameters (Synapse keeps some: an upload's file name). */
  query: URLSearchParams;
  /** The Content-Type the client sent (Synapse keeps an upload's). */
  contentType: string | undefined;
  /** The parsed JSON body; undefined when the request has none (and for streamed media). */
  body: unknown;
  /** Who holds the session, for routes that need one. */
  identity: Identity | undefined;
}>;

export type RuleContext = Readonly<{
  policy: TrustPolicy;
  /** Partner server names allowed now: the policy's partners that the signed trust directory vouches for. */
  allowedPartners: () => readonly string[];
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

/** True for the methods that change what the server holds. */
export function isWrite(method: string): boolean {
  return method !== 'GET';
}
