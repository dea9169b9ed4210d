// A reply: the spec's rich reply relation (`m.relates_to: { m.in_reply_to: { event_id } }`) inside the message's
// content. It carries no fallback quote of the original in `body`: a quote would copy another message's text (patient
// data) into a new event that lives, is searched and expires on its own. Rust crypto would copy the relation into the
// clear part of the encrypted event; crypto/replyRelationPrivacy.ts takes it out again, so no server learns who
// answered which message. Only a relation read from encrypted content counts, like the urgent flag.

/** The content fields that make a message a reply to this event. */
export function replyRelationTo(eventId: string): Record<string, unknown> {
  // A local echo's temporary id names nothing another desktop will ever see.
  if (!eventId.startsWith('$')) {
    throw new TypeError(`a reply names an event the server has ($...), not ${JSON.stringify(eventId)}`);
  }
  return { 'm.relates_to': { 'm.in_reply_to': { event_id: eventId } } };
}

/** The event this content replies to, or null when it is not a reply (or the relation is malformed). */
export function repliedEventIdIn(content: Readonly<Record<string, unknown>>): string | null {
  const relation = content['m.relates_to'];
  if (typeof relation !== 'object' || relation === null) return null;
  const inReplyTo = (relation as Record<string, unknown>)['m.in_reply_to'];
  if (typeof inReplyTo !== 'object' || inReplyTo === null) return null;
  const eventId = (inReplyTo as Record<string, unknown>).event_id;
  return typeof eventId === 'string' && eventId.startsWith('$') ? eventId : null;
}
