// Rule: no patient identifiers in plaintext. Whatever a request asks the server to keep or pass on outside
// end-to-end encryption (room names and topics, aliases, state keys, tags, profile fields, reasons, statuses,
// device names, account data, reaction keys...) is readable by the server and mostly by every partner server, so
// every string in the request (path parameters, the query, the Content-Type, and the body's keys and values at any
// depth) is searched for a valid NHS number, not a list of fields: a list always misses one. Ciphertext cannot hold
// one by accident (the detector never matches digits inside a base64 or hex run). Reads change nothing and are
// not searched.
import { containsNhsNumber } from '../../nhsNumber/nhsNumber.ts';
import { findNhsNumbersInJson } from '../../nhsNumber/nhsNumbersInJson.ts';
import { policyRefusal } from '../matrixError.ts';
import { allow, isWrite, type PolicyRule, type RuleVerdict } from './rule.ts';

// A transaction id is the one string not searched. Clients make it up from counters and random digits ("w-943476591-9"),
// so about one in eleven spellings with ten digits in whole groups passes Modulus 11: searching it would refuse
// ordinary messages at random, and a refused send is retried with the same id, so the message would never go. Synapse
// shows it to nobody but the sender's own device, and forgets it within a day.

function refuse(where: string): RuleVerdict {
  return {
    outcome: 'refuse',
    // Never echo the number back: errors end up in logs. Say where, so the person can find it.
    error: policyRefusal(
      'no-patient-identifiers',
      `This request contains an NHS number (${where}), which would be stored unencrypted: put patient details in the conversation instead`,
    ),
  };
}

export const noPatientIdentifiers: PolicyRule = {
  name: 'no-patient-identifiers',
  check({ method, params, query, contentType, body }) {
    if (!isWrite(method)) return allow;
    for (const [name, value] of Object.entries(params)) {
      if (name !== 'txnId' && containsNhsNumber(value)) return refuse(`in the address, ${name}`);
    }
    // An upload's file name comes in the query and its type in a header: Synapse keeps both in plaintext.
    for (const [name, value] of query) {
      if (containsNhsNumber(name) || containsNhsNumber(value)) return refuse('in the query string');
    }
    if (contentType !== undefined && containsNhsNumber(contentType)) return refuse('in the Content-Type');
    // The path names where, never what: a key holding a number is written ~redacted in it.
    const [found] = findNhsNumbersInJson(body);
    return found ? refuse(`at ${found.path}`) : allow;
  },
};
