// Rule: a clinician's cross-signing identity is the trust's to publish, not a desktop's. The trust holds each
// clinician's identity and signs the desktops it enrolled (POST /_bleep/device-signature); a desktop that published
// an identity of its own would replace it, and with it the trust's word on which devices are the clinician's
// (someone with a clinician's password could then sign a device of their own choosing). Replacing an identity is
// trust IT's decision, made at the server; every spelling of the upload route is refused here.
import { policyRefusal } from '../matrixError.ts';
import { allow, type PolicyRule } from './rule.ts';

export const trustHeldIdentity: PolicyRule = {
  name: 'trust-held-identity',
  check({ route }) {
    return route.name === 'crossSigningUpload'
      ? {
          outcome: 'refuse',
          error: policyRefusal(
            'trust-held-identity',
            'Your signing identity is held by your trust, which signs your enrolled desktops: a desktop cannot replace it',
          ),
        }
      : allow;
  },
};
