// Rule: only partner trusts talk to this trust over federation. A request to a partner route is refused before
// Synapse sees it unless it carries one X-Matrix signature, readable only one way (federation/xMatrixOrigin.ts),
// whose origin is a partner the policy lists and the signed trust directory vouches for. The open routes (this
// server's keys and version) need no signature: other servers need them to verify this trust. Synapse verifies
// the signature itself, for the same origin; outbound federation is held by Synapse's allow-list, rendered from
// the same policy and directory (deploy/synapse/renderConfig.ts).
import { readXMatrixOrigin } from '../federation/xMatrixOrigin.ts';
import { MatrixError, policyRefusal } from '../matrixError.ts';
import type { FederationRoute } from '../routes/federationRoutes.ts';

export type PartnerCheck =
  | Readonly<{ outcome: 'open' }>
  | Readonly<{ outcome: 'partner'; origin: string }>
  /** origin: the server the request named, when it named one unambiguously (for the audit trail). */
  | Readonly<{ outcome: 'refuse'; error: MatrixError; origin: string | undefined }>;

export const federationPartnersRule = 'federation-partners';

export function checkFederationPartner(
  route: FederationRoute,
  authorization: readonly string[] | undefined,
  allowedPartners: readonly string[],
): PartnerCheck {
  if (route.access === 'open') return { outcome: 'open' };
  const reading = readXMatrixOrigin(authorization);
  if (reading.outcome === 'refused') {
    return {
      outcome: 'refuse',
      origin: undefined,
      error: new MatrixError(401, 'M_UNAUTHORIZED', reading.reason, federationPartnersRule),
    };
  }
  const { origin } = reading;
  if (!allowedPartners.includes(origin)) {
    // Names only the refused server itself: a stranger learns nothing about who the partners are.
    return {
      outcome: 'refuse',
      origin,
      error: policyRefusal(
        federationPartnersRule,
        `Federation denied with ${origin}: it is not a partner of this trust`,
      ),
    };
  }
  return { outcome: 'partner', origin };
}
