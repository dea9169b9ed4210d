// The content of a text message the clinician writes, with what travels inside its encrypted content: the urgent
// flag (urgentFlag.ts), a patient tag (patient/patientTag.ts) and the message it replies to (replyRelation.ts). For
// `rooms.sendText` and for the delivery queue
// (`session.delivery.write(roomId, 'm.room.message', textMessageContent(body, { urgent: true }))`).
import { patientTaggedContent } from '../patient/patientTag.ts';
import { replyRelationTo } from './replyRelation.ts';
import { urgentContentKey } from './urgentFlag.ts';

export type TextMessageOptions = Readonly<{
  urgent?: boolean;
  /** Checked (Modulus 11): throws InvalidNhsNumberError for anything but one valid NHS number. */
  nhsNumber?: string;
  /** The event id ($...) of the message this one replies to; its text is not quoted. */
  replyTo?: string;
}>;

export function textMessageContent(body: string, options: TextMessageOptions = {}): Record<string, unknown> {
  const content =
    options.nhsNumber === undefined
      ? { msgtype: 'm.text', body }
      : patientTaggedContent(body, options.nhsNumber);
  return {
    ...content,
    ...(options.urgent === true ? { [urgentContentKey]: true } : {}),
    ...(options.replyTo === undefined ? {} : replyRelationTo(options.replyTo)),
  };
}
