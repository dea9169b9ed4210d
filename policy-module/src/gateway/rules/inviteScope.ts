// Rule: invitations stay inside the federation. A user may invite people of this trust or of a partner trust
// that the signed directory vouches for; nobody else, and never by email. The refusal names the reason, rather than
// leaving the clinician with Synapse's generic federation failure.
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule, type RuleContext, type RuleVerdict } from './rule.ts';

/** The server name of a Matrix user ID ("@local:server"); undefined when it is not one. */
export function serverOfUserId(userId: string): string | undefined {
  const colon = userId.indexOf(':');
  if (!userId.startsWith('@') || colon < 2 || colon === userId.length - 1) return undefined;
  return userId.slice(colon + 1);
}

export function checkInvitee(userId: unknown, context: RuleContext): RuleVerdict {
  if (typeof userId !== 'string' || serverOfUserId(userId) === undefined) {
    return {
      outcome: 'refuse',
      error: policyRefusal(
        'invite-scope',
        'An invitation needs a Matrix user ID such as @name:server',
        400,
        'M_INVALID_PARAM',
      ),
    };
  }
  const server = serverOfUserId(userId);
  if (
    server === context.policy.trust.serverName ||
    (server !== undefined && context.allowedPartners().includes(server))
  ) {
    return allow;
  }
  return {
    outcome: 'refuse',
    error: policyRefusal(
      'invite-scope',
      `${userId} is not at this trust or at a partner trust; Bleep can only invite staff of ${context.policy.trust.name} and its partner trusts`,
    ),
  };
}

export const inviteScope: PolicyRule = {
  name: 'invite-scope',
  check(request, context) {
    const { route, body } = request;
    const fields = isRecord(body) ? body : {};
    if (route.name === 'invite') {
      if ('medium' in fields || 'address' in fields) {
        return {
          outcome: 'refuse',
          error: policyRefusal('invite-scope', 'Invitations by email or phone are not allowed by this trust'),
        };
      }
      return checkInvitee(fields.user_id, context);
    }
    if (route.name === 'createRoom') {
      if (Array.isArray(fields.invite_3pid) && fields.invite_3pid.length > 0) {
        return {
          outcome: 'refuse',
          error: policyRefusal('invite-scope', 'Invitations by email or phone are not allowed by this trust'),
        };
      }
      for (const invitee of Array.isArray(fields.invite) ? fields.invite : []) {
        const verdict = checkInvitee(invitee, context);
        if (verdict.outcome === 'refuse') return verdict;
      }
    }
    return allow;
  },
};
