// Rule: default deny. The gateway forwards only the routes in its table (routes/clientRoutes.ts for clients,
// routes/federationRoutes.ts for partner servers); everything else is refused here, whatever Synapse would have
// done with it: the Synapse admin API (trust IT's, on the internal network only), registration and guest
// accounts, key backup, legacy and unstable spellings of allowed endpoints, and every endpoint nobody has decided
// Bleep needs. The answer is the one Synapse gives for a path it does not know, plus the rule's name.
import { MatrixError, policyRefusal } from '../matrixError.ts';

export function unrecognisedRequest(status: 404 | 405): MatrixError {
  return policyRefusal(
    'default-deny',
    status === 405
      ? 'This method is not allowed here by Bleep'
      : 'Unrecognized request: Bleep does not offer this endpoint',
    status,
    'M_UNRECOGNIZED',
  );
}

/** A path parameter that cannot be read unambiguously (bad percent-encoding, NUL, lone surrogate). */
export function unreadableParameter(param: string, reason: string): MatrixError {
  return new MatrixError(400, 'M_INVALID_PARAM', `The request path's ${param} ${reason}`, 'default-deny');
}
