// Every policy rule the gateway applies to the requests its route table lets through, in order. Reading this
// folder lists the trust's enforced rules; each has a test beside it and an integration test through the real
// gateway. What the table does not hold is refused before any of these run (defaultDeny.ts), as is a body that
// cannot be read as Synapse would read it (wellFormedJson.ts) and a session of a device that is not enrolled
// (enrolledSession.ts); sign-ins pass deviceEnrolment.ts, and desktops' expiry reports clientExpiry.ts.
import { accountDataTypes } from './accountDataTypes.ts';
import { contentFreePush } from './contentFreePush.ts';
import { e2eeOnly } from './e2eeOnly.ts';
import { inviteScope } from './inviteScope.ts';
import { noKeyCopies } from './noKeyCopies.ts';
import { noPatientIdentifiers } from './noPatientIdentifiers.ts';
import { plaintextShapes } from './plaintextShapes.ts';
import { roomShape } from './roomShape.ts';
import { trustHeldIdentity } from './trustHeldIdentity.ts';
import type { PolicyRule, RuleContext, RuleRequest, RuleVerdict } from './rule.ts';

// Patient identifiers first among the content rules: when a request breaks several, the refusal a clinician most
// needs to read is that it holds an NHS number.
export const clientRules: readonly PolicyRule[] = [
  noKeyCopies,
  trustHeldIdentity,
  noPatientIdentifiers,
  accountDataTypes,
  inviteScope,
  roomShape,
  plaintextShapes,
  e2eeOnly,
  contentFreePush,
];

/** Runs the rules in order; the first refusal wins, and rewrites feed the next rule. */
export function applyClientRules(
  request: RuleRequest,
  context: RuleContext,
  rules: readonly PolicyRule[] = clientRules,
): Readonly<{ verdict: RuleVerdict; rule?: string; body: unknown }> {
  let body = request.body;
  let rewritten = false;
  for (const rule of rules) {
    const verdict = rule.check({ ...request, body }, context);
    if (verdict.outcome === 'refuse') return { verdict, rule: rule.name, body };
    if (verdict.outcome === 'rewrite') {
      body = verdict.body;
      rewritten = true;
    }
  }
  return { verdict: rewritten ? { outcome: 'rewrite', body } : { outcome: 'allow' }, body };
}
