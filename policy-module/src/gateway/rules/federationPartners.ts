// Rule: only partner trusts talk to this trust over federation. A request whose X-Matrix origin is not an allowed
// partner is refused before Synapse sees it; server discovery and key endpoints stay open, as other servers need
// them to verify this trust. Outbound federation is held by the Synapse allow-list generated from the same policy.
import type { ClassifiedRequest } from '../classifyRequest.ts';
import { MatrixError, policyRefusal } from '../matrixError.ts';
import { xMatrixOrigins } from '../xMatrixOrigin.ts';

export function checkFederationPartner(
  classified: ClassifiedRequest,
  authorization: string | string[] | undefined,
  allowedPartners: readonly string[],
): Readonly<{ refusal?: MatrixError; origin?: string }> {
  if (classified.kind === 'federation' && classified.open) return {};
  if (classified.kind !== 'federation') {
    return {
      refusal: new MatrixError(404, 'M_UNRECOGNIZED', 'Only the federation API is served on this port'),
    };
  }
  const origins = xMatrixOrigins(authorization);
  if (!origins || origins.length === 0) {
    return {
      refusal: new MatrixError(
        401,
        'M_UNAUTHORIZED',
        'Federation requests need an X-Matrix Authorization header',
      ),
    };
  }
  const stranger = origins.find((origin) => !allowedPartners.includes(origin));
  if (stranger !== undefined) {
    return {
      origin: stranger,
      refusal: policyRefusal(
        'federation-partners',
        `Federation denied with ${stranger}: it is not a partner of this trust`,
      ),
    };
  }
  return { origin: origins[0] };
}
