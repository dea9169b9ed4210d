// Rule: push notifications leave the trust without content. A pusher makes Synapse send a notice of every message
// to a push gateway, usually a vendor's, outside the trust and often outside the UK; by default that notice holds
// the sender's and the room's names. The gateway rewrites every HTTP pusher to `event_id_only` (the room and event
// ids, nothing a person wrote) and refuses email pushers, which would mail notices to an address anywhere.
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule } from './rule.ts';

export const contentFreePush: PolicyRule = {
  name: 'content-free-push',
  check(request) {
    if (request.route.name !== 'setPusher') return allow;
    const body = isRecord(request.body) ? request.body : {};
    // kind null deletes a pusher: always allowed.
    if (body.kind === null || body.kind === undefined) return allow;
    if (body.kind !== 'http') {
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'content-free-push',
          `${typeof body.kind === 'string' ? body.kind : 'These'} notifications are not allowed by this trust: notices would leave it with message details`,
        ),
      };
    }
    const data = isRecord(body.data) ? body.data : {};
    return { outcome: 'rewrite', body: { ...body, data: { ...data, format: 'event_id_only' } } };
  },
};
