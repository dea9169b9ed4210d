// What a desktop notification of a new message may show, as the trust's policy says (notifications.content): the
// one place the core turns a message into a notification's words. 'none' (the default): neither who sent it nor what
// it says, only that a message came (a shared ward screen shows it to anyone passing); 'sender': who sent it;
// 'full': who, where and the text. The patient tag never appears: it is not the text, and a notification outlives
// the screen lock.
import type { TrustPolicyView } from '../trust/trustPolicy.ts';
import type { TimelineItem } from '../stores/timelineSlice.ts';

export type NotificationContentPolicy = TrustPolicyView['notificationContent'];

/** A notification as plain data, for the renderer to show (the Web Notification API) and open the room on click. */
export type BleepNotification = Readonly<{ title: string; body: string; roomId: string }>;

export type NotificationContext = Readonly<{
  /** The policy's value; unknown (null) counts as 'none'. */
  content: NotificationContentPolicy | null;
  senderName: string;
  /** The conversation's name; null for a direct conversation (the sender is the conversation). */
  roomName: string | null;
}>;

function whatCame(item: TimelineItem): string {
  return item.urgent ? 'New urgent message' : 'New message';
}

function textOf(item: TimelineItem): string {
  const text = item.attachment ? `Sent a file: ${item.attachment.name}` : (item.body ?? '');
  return item.urgent ? `Urgent: ${text}` : text;
}

export function notificationFor(item: TimelineItem, context: NotificationContext): BleepNotification {
  const { roomId } = item;
  switch (context.content) {
    case 'full':
      return {
        title:
          context.roomName === null ? context.senderName : `${context.senderName} in ${context.roomName}`,
        body: textOf(item),
        roomId,
      };
    case 'sender':
      return { title: context.senderName, body: whatCame(item), roomId };
    default:
      return { title: 'Bleep', body: whatCame(item), roomId };
  }
}
