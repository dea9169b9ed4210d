// A reply: the id of the message answered, under Bleep's own key inside the message's content
// (`uk.nhs.bleep.reply_to`), not the spec's `m.relates_to: { m.in_reply_to }`. Rust crypto copies any `m.relates_to`
// into the clear part of the encrypted event (so servers can aggregate edits), which would tell every homeserver in
// the room which message answered which; a key of our own stays inside the Megolm ciphertext. (Taking the relation
// out again after encryption, through the SDK's internals, broke key sharing after a soft logout: the
// sessionRenewal integration test.) Other Matrix clients show a Bleep reply as a plain message. No fallback quote of
// the original goes in `body`: it would copy another message's text (patient data) into a new event. Only a reply read
// from encrypted content counts, like the urgent flag.

export const replyContentKey = 'uk.nhs.bleep.reply_to';

/** The content fields that make a message a reply to this event. */
export function replyRelationTo(eventId: string): Record<string, unknown> {
  // A local echo's temporary id names nothing another desktop will ever see.
  if (!eventId.startsWith('$')) {
    throw new TypeError(`a reply names an event the server has ($...), not ${JSON.stringify(eventId)}`);
  }
  return { [replyContentKey]: eventId };
}

/** The event this content replies to, or null when it is not a reply (or the relation is malformed). */
export function repliedEventIdIn(content: Readonly<Record<string, unknown>>): string | null {
  const eventId = content[replyContentKey];
  return typeof eventId === 'string' && eventId.startsWith('$') ? eventId : null;
}
