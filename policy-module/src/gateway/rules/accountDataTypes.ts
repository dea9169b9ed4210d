// Rule: account data holds only what Bleep's client keeps there. Account data is stored on the server in
// plaintext and synced to every device of the account, so a client could keep notes in it under any type it
// invents; only the types the client needs may be written (secret storage is refused first, by noKeyCopies).
import { policyRefusal } from '../matrixError.ts';
import { allow, isWrite, type PolicyRule } from './rule.ts';

/** Account data types a client may write: direct-message rooms, ignored users, unread markers. */
const writableAccountData = new Set(['m.direct', 'm.ignored_user_list', 'm.marked_unread']);

export const accountDataTypes: PolicyRule = {
  name: 'account-data-types',
  check({ route, method, params }) {
    if ((route.name !== 'accountData' && route.name !== 'roomAccountData') || !isWrite(method)) return allow;
    const eventType = params.eventType ?? '';
    return writableAccountData.has(eventType)
      ? allow
      : {
          outcome: 'refuse',
          error: policyRefusal(
            'account-data-types',
            `Account data of type ${eventType} is not used by Bleep: the server would keep it unencrypted`,
          ),
        };
  },
};
