// One message as an article: who sent it and when, an urgent flag and patient tag when it carries them, its text as
// last edited (or why it cannot be read), its file, its reactions, and for the clinician's own message how far it got.
import type { TimelineItem } from '../../core/stores/timelineSlice.ts';
import { AttachmentPreview } from './AttachmentPreview.tsx';
import { clockTime } from './messageTime.ts';
import type { DeliveryLabel } from './deliveryLabel.ts';

const quickReactions = ['👍', '✅', '👀'] as const;

/** The message a reply answers, as the conversation shows it above the reply. */
export type QuotedMessage = Readonly<{ senderName: string; text: string }>;

type MessageArticleProps = Readonly<{
  item: TimelineItem;
  /** For a reply: what it answers (undefined when this desktop does not hold that message). */
  quoted?: QuotedMessage | null;
  onReply: (() => void) | null;
  senderName: string;
  own: boolean;
  delivery: DeliveryLabel | null;
  onReact: (key: string) => void;
  onEdit: (() => void) | null;
  onDelete: (() => void) | null;
  onRetry: (() => void) | null;
}>;

function readableText(item: TimelineItem): string {
  switch (item.kind) {
    case 'deleted':
      return 'Message deleted';
    case 'encrypted':
      return 'Decrypting…';
    case 'undecryptable':
      return 'This message cannot be read on this desktop (its key never reached it).';
    default:
      return item.body ?? '';
  }
}

export function formattedNhsNumber(digits: string): string {
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

export function MessageArticle(props: MessageArticleProps) {
  const { item, senderName, own, delivery } = props;
  const text = readableText(item);
  return (
    <article
      className={`bleep-message${own ? ' bleep-message--own' : ''}${item.urgent ? ' bleep-message--urgent' : ''}`}
      aria-label={`${senderName}, ${clockTime(item.sentAt)}`}
    >
      <header className="bleep-message__header">
        <span className="bleep-message__sender">{senderName}</span>
        <time dateTime={new Date(item.sentAt).toISOString()}>{clockTime(item.sentAt)}</time>
      </header>
      {item.replyTo !== null && (
        <blockquote className="bleep-quote">
          {props.quoted ? (
            <>
              <span className="bleep-quote__sender">{props.quoted.senderName}</span> {props.quoted.text}
            </>
          ) : (
            'In reply to a message not on this desktop'
          )}
        </blockquote>
      )}
      {item.urgent && <p className="bleep-urgent-marker">Urgent</p>}
      {item.patient && (
        <p className="bleep-tag bleep-tag--patient">
          Patient NHS number {formattedNhsNumber(item.patient.nhsNumber)}
        </p>
      )}
      {item.referral && <p className="bleep-tag bleep-tag--partner">Referral</p>}
      {item.kind === 'message' && item.attachment ? (
        <AttachmentPreview roomId={item.roomId} eventId={item.id} attachment={item.attachment} />
      ) : (
        <p className={`bleep-message__body${item.kind !== 'message' ? ' bleep-message__body--muted' : ''}`}>
          {text}
        </p>
      )}
      {item.editedAt !== null && <p className="bleep-hint">Edited {clockTime(item.editedAt)}</p>}
      {item.reactions.length > 0 && (
        <ul className="bleep-reactions" aria-label="Reactions">
          {item.reactions.map((reaction) => (
            <li key={reaction.key}>
              {reaction.key} {reaction.senders.length}
            </li>
          ))}
        </ul>
      )}
      <footer className="bleep-message__footer">
        {delivery !== null && (
          <span className={`bleep-delivery bleep-delivery--${delivery.state}`}>{delivery.text}</span>
        )}
        {item.kind === 'message' && (
          <span className="bleep-message__actions">
            {quickReactions.map((key) => (
              <button
                key={key}
                type="button"
                className="bleep-link-button"
                aria-label={`React ${key}`}
                onClick={() => {
                  props.onReact(key);
                }}
              >
                {key}
              </button>
            ))}
            {props.onReply && (
              <button type="button" className="bleep-link-button" onClick={props.onReply}>
                Reply
              </button>
            )}
            {props.onEdit && (
              <button type="button" className="bleep-link-button" onClick={props.onEdit}>
                Edit
              </button>
            )}
            {props.onDelete && (
              <button type="button" className="bleep-link-button" onClick={props.onDelete}>
                Delete
              </button>
            )}
          </span>
        )}
        {props.onRetry && (
          <button type="button" className="bleep-link-button" onClick={props.onRetry}>
            Try again
          </button>
        )}
      </footer>
    </article>
  );
}
