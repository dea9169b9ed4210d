// The content of a text message the clinician writes, with the flags that travel inside its encrypted content: the
// urgent flag (urgentFlag.ts) and a patient tag (patient/patientTag.ts). For `rooms.sendText` and for the delivery
// queue (`session.delivery.write(roomId, 'm.room.message', textMessageContent(body, { urgent: true }))`).
import { patientTaggedContent } from '../patient/patientTag.ts';
import { urgentContentKey } from './urgentFlag.ts';

export type TextMessageOptions = Readonly<{
  urgent?: boolean;
  /** Checked (Modulus 11): throws InvalidNhsNumberError for anything but one valid NHS number. */
  nhsNumber?: string;
}>;

export function textMessageContent(body: string, options: TextMessageOptions = {}): Record<string, unknown> {
  const content =
    options.nhsNumber === undefined
      ? { msgtype: 'm.text', body }
      : patientTaggedContent(body, options.nhsNumber);
  return options.urgent === true ? { ...content, [urgentContentKey]: true } : content;
}
