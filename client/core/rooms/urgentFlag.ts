// The urgent flag on a message: a namespaced field inside the content (`uk.nhs.bleep.urgent: true`), which Megolm
// encrypts with the rest, so no server learns which messages were urgent. Only a flag sent encrypted counts.
export const urgentContentKey = 'uk.nhs.bleep.urgent';

/** Whether the content (as decrypted) carries the urgent flag; anything but `true` is not urgent. */
export function isUrgentContent(content: Readonly<Record<string, unknown>>): boolean {
  return content[urgentContentKey] === true;
}
