// Rule: push notifications leave the trust only for a push gateway its policy lists, and without content. A pusher
// makes Synapse send a notice of every message to a push gateway, usually a vendor's, outside the trust and often
// outside the UK; by default that notice holds the sender's and the room's names. The gateway refuses an HTTP
// pusher whose URL the policy does not list (notifications.pushGateways, none by default), rewrites every other to
// `event_id_only` (the room and event ids, nothing a person wrote), and refuses email pushers, which would mail
// notices to an address anywhere.
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule } from './rule.ts';

export const contentFreePush: PolicyRule = {
  name: 'content-free-push',
  check(request, { policy }) {
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
    // Exactly as listed: Synapse posts to this URL as given.
    if (typeof data.url !== 'string' || !policy.notifications.pushGateways.includes(data.url)) {
      return {
        outcome: 'refuse',
        error: policyRefusal(
          'content-free-push',
          policy.notifications.pushGateways.length === 0
            ? 'Push notifications are off at this trust: Bleep desktops receive messages directly'
            : "Push notifications may go only to this trust's own push gateway",
        ),
      };
    }
    return { outcome: 'rewrite', body: { ...body, data: { ...data, format: 'event_id_only' } } };
  },
};
