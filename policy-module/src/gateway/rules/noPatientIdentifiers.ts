// Rule: no patient identifiers in plaintext. Room names, topics, display names and the free-text reasons and
// statuses Matrix keeps beside messages are not end-to-end encrypted (the server, and mostly every partner server,
// see them), so any of them holding a valid NHS number is refused.
import { policyRefusal } from '../matrixError.ts';
import { allow, isRecord, type PolicyRule, type RuleVerdict } from './rule.ts';

/** The plaintext fields of a state event that people write free text into. */
const freeTextFields: Readonly<Record<string, string>> = {
  'm.room.name': 'name',
  'm.room.topic': 'topic',
  'm.room.member': 'displayname',
};

function refuseIfIdentifier(
  texts: readonly { where: string; text: unknown }[],
  find: (text: string) => string[],
): RuleVerdict {
  for (const { where, text } of texts) {
    if (typeof text === 'string' && find(text).length > 0) {
      return {
        outcome: 'refuse',
        // Never echo the number back: errors end up in logs.
        error: policyRefusal(
          'no-patient-identifiers',
          `The ${where} contains an NHS number. ${where[0]?.toUpperCase() ?? ''}${where.slice(1)}s are not encrypted: put patient details in the conversation instead`,
        ),
      };
    }
  }
  return allow;
}

export const noPatientIdentifiers: PolicyRule = {
  name: 'no-patient-identifiers',
  check(request, { findNhsNumbers }) {
    const { classified, body } = request;
    const fields = isRecord(body) ? body : {};
    switch (classified.kind) {
      case 'createRoom': {
        const texts = [
          { where: 'room name', text: fields.name },
          { where: 'room topic', text: fields.topic },
          { where: 'room address', text: fields.room_alias_name },
        ];
        for (const event of Array.isArray(fields.initial_state)
          ? fields.initial_state.filter(isRecord)
          : []) {
          const field = typeof event.type === 'string' ? freeTextFields[event.type] : undefined;
          if (field && isRecord(event.content))
            texts.push({ where: `room ${field}`, text: event.content[field] });
        }
        return refuseIfIdentifier(texts, findNhsNumbers);
      }
      case 'stateEvent': {
        const field = freeTextFields[classified.eventType];
        if (!field) return allow;
        const where = field === 'displayname' ? 'display name' : `room ${field}`;
        return refuseIfIdentifier(
          [
            { where, text: fields[field] },
            // A membership change can carry a reason too.
            { where: 'reason', text: fields.reason },
          ],
          findNhsNumbers,
        );
      }
      case 'displayName':
        return refuseIfIdentifier([{ where: 'display name', text: fields.displayname }], findNhsNumbers);
      case 'invite':
        return refuseIfIdentifier([{ where: 'reason', text: fields.reason }], findNhsNumbers);
      case 'freeText':
        return refuseIfIdentifier(
          classified.fields.map((field) => ({
            where: field === 'status_msg' ? 'status message' : field,
            text: fields[field],
          })),
          findNhsNumbers,
        );
      default:
        return allow;
    }
  },
};
