// An open conversation: its header (who, which trust, the referral's patient and reason), warnings that need the
// clinician (a colleague's identity changed; messages not yet read as the server's window closes), the timeline by
// day from the archive and live sync, who is typing, and the composer. Opening it marks the latest message read.
import { useEffect, useRef, useState } from 'react';
import {
  selectRoomDeliveries,
  selectUnreadNearServerWindow,
} from '../../core/stores/selectors/deliverySelectors.ts';
import { selectRoom } from '../../core/stores/selectors/roomSelectors.ts';
import { selectTimeline } from '../../core/stores/selectors/timelineSelectors.ts';
import { selectReadBy } from '../../core/stores/selectors/receiptSelectors.ts';
import { selectRepliedMessage } from '../../core/stores/selectors/replySelectors.ts';
import { selectTyping } from '../../core/stores/selectors/typingSelectors.ts';
import type { OutgoingMessage } from '../../core/delivery/outgoingMessage.ts';
import {
  selectCryptoStatus,
  selectSessionStatus,
  selectSignedInUserId,
  selectTrustPolicy,
} from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { problemMessage } from '../app/problemMessage.ts';
import { useBleep, useBleepList } from '../app/useCore.ts';
import { conversationLabel, memberName } from '../conversations/conversationLabel.ts';
import { Composer, type EditingMessage, type ReplyingTo } from './Composer.tsx';
import { deliveryLabel } from './deliveryLabel.ts';
import { MessageArticle, formattedNhsNumber } from './MessageArticle.tsx';
import { byDay, dayLabel } from './messageTime.ts';

type ConversationViewProps = Readonly<{ roomId: string; focusEventId: string | null }>;

type TimelineMessageProps = Omit<Parameters<typeof MessageArticle>[0], 'delivery' | 'quoted'> &
  Readonly<{ outgoing: OutgoingMessage | undefined; nameOf: (userId: string) => string }>;

/** A message with its own read receipts: only this message renders again when someone reads it. */
function TimelineMessage({ outgoing, nameOf, ...article }: TimelineMessageProps) {
  const readBy = useBleepList(selectReadBy(article.item.roomId, article.item.id));
  const replied = useBleep(selectRepliedMessage(article.item.roomId, article.item.replyTo ?? ''));
  const quoted =
    article.item.replyTo === null || replied === undefined
      ? null
      : { senderName: nameOf(replied.sender), text: replied.body ?? 'Message deleted or not readable here' };
  const delivery = article.own
    ? deliveryLabel({ sendStatus: article.item.sendStatus, readBy }, outgoing, nameOf)
    : null;
  return <MessageArticle {...article} quoted={quoted} delivery={delivery} />;
}

function waitingText(message: OutgoingMessage, nameOf: (userId: string) => string): string {
  if (message.status === 'failed') return 'Not sent';
  if (message.awaitsJoinOf)
    return `Waiting for ${nameOf(message.awaitsJoinOf)} to accept: sent when they join`;
  return 'Waiting for the server…';
}

export function ConversationView({ roomId, focusEventId }: ConversationViewProps) {
  const { session } = useCoreContext();
  const room = useBleep(selectRoom(roomId));
  const items = useBleep(selectTimeline(roomId));
  const ownUserId = useBleep(selectSignedInUserId);
  const policy = useBleep(selectTrustPolicy);
  const deliveries = useBleepList((state) => selectRoomDeliveries(state, roomId));
  const closingWindow = useBleepList((state) =>
    selectUnreadNearServerWindow(state, Date.now()).filter((message) => message.roomId === roomId),
  );
  const changedIdentities = useBleep((state) => selectCryptoStatus(state)?.changedIdentities ?? []);
  const typingUsers = useBleepList(selectTyping(roomId));
  const [editing, setEditing] = useState<EditingMessage | null>(null);
  const [replying, setReplying] = useState<ReplyingTo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const end = useRef<HTMLDivElement>(null);

  // Opening the conversation, and each message arriving while it is open and shown, marks it read.
  const latestFromOthers = items.findLast((item) => item.kind === 'message' && item.sender !== ownUserId)?.id;
  useEffect(() => {
    if (document.visibilityState !== 'visible' || selectSessionStatus(session.store.getState()) !== 'ready')
      return;
    void session.rooms.markLatestRead(roomId).catch(() => undefined);
  }, [session, roomId, latestFromOthers]);

  useEffect(() => {
    if (focusEventId !== null)
      document.getElementById(`message-${focusEventId}`)?.scrollIntoView({ block: 'center' });
    else end.current?.scrollIntoView({ block: 'end' });
  }, [items.length, focusEventId]);

  if (room === undefined)
    return <p className="bleep-hint">This conversation is no longer on this desktop.</p>;
  const label = conversationLabel(room, ownUserId);
  const nameOf = (userId: string) => (userId === ownUserId ? 'You' : memberName(room, userId));
  const changedHere = changedIdentities.filter((userId) =>
    room.members.some((member) => member.userId === userId),
  );
  const outgoingByEvent = new Map(deliveries.map((message) => [message.eventId, message]));
  const shownIds = new Set(items.map((item) => item.id));
  const waiting = deliveries.filter((message) => message.eventId === null || !shownIds.has(message.eventId));

  async function act(action: () => Promise<unknown>) {
    setProblem(null);
    try {
      await action();
    } catch (failure) {
      setProblem(problemMessage(failure, 'Bleep could not do that. Try again.'));
    }
  }

  return (
    <section className="bleep-conversation" aria-labelledby="conversation-heading">
      <header className="bleep-conversation__header">
        <h1 id="conversation-heading">{label.title}</h1>
        <p className="bleep-hint">
          {label.kind}
          {label.partner !== null && (
            <span className="bleep-tag bleep-tag--partner">{label.partner}</span>
          )}{' '}
          {room.members.filter((member) => member.membership === 'join').length} members
        </p>
        {room.referral && (
          <p className="bleep-referral-summary">
            <span className="bleep-tag bleep-tag--patient">
              Patient NHS number {formattedNhsNumber(room.referral.nhsNumber)}
            </span>{' '}
            {room.referral.reason}
          </p>
        )}
      </header>
      {changedHere.map((userId) => (
        <div key={userId} className="bleep-warning" role="alert">
          <p>
            <strong>{nameOf(userId)}’s security identity has changed.</strong> Bleep will not send to this
            conversation until you have checked with them (in person or by phone) that they reset it.
          </p>
          <button
            type="button"
            className="bleep-button"
            onClick={() => void act(() => session.identities.acknowledge(userId))}
          >
            I have checked with {nameOf(userId)}
          </button>
        </div>
      ))}
      {closingWindow.length > 0 && (
        <div className="bleep-warning" role="status">
          <p>
            {closingWindow.length === 1
              ? 'A message you sent has'
              : `${closingWindow.length} messages you sent have`}{' '}
            not been read by everyone, and the server will soon forget{' '}
            {closingWindow.length === 1 ? 'it' : 'them'}. If it matters, phone or bleep the person.
          </p>
        </div>
      )}
      {problem !== null && (
        <p className="bleep-error-message" role="alert">
          {problem}
        </p>
      )}
      <div className="bleep-timeline" role="log" aria-label="Conversation history" tabIndex={0}>
        {byDay(items.filter((item) => item.kind !== 'membership')).map((group) => (
          <section key={group.day} aria-label={dayLabel(group.day)}>
            <h2 className="bleep-day">{dayLabel(group.day)}</h2>
            {group.items.map((item) => {
              const own = item.sender === ownUserId;
              return (
                <div key={item.id} id={`message-${item.id}`}>
                  <TimelineMessage
                    item={item}
                    senderName={own ? 'You' : nameOf(item.sender)}
                    own={own}
                    outgoing={outgoingByEvent.get(item.id)}
                    nameOf={nameOf}
                    onReact={(key) => void act(() => session.rooms.react(roomId, item.id, key))}
                    onReply={
                      item.kind === 'message' && item.id.startsWith('$')
                        ? () => {
                            setReplying({
                              eventId: item.id,
                              senderName: own ? 'yourself' : nameOf(item.sender),
                              text: item.body ?? '',
                            });
                          }
                        : null
                    }
                    onEdit={
                      own && item.kind === 'message' && item.attachment === undefined
                        ? () => {
                            setEditing({ eventId: item.id, body: item.body ?? '' });
                          }
                        : null
                    }
                    onDelete={own ? () => void act(() => session.rooms.redact(roomId, item.id)) : null}
                    onRetry={null}
                  />
                </div>
              );
            })}
          </section>
        ))}
        {waiting.map((message) => (
          <article
            key={message.txnId}
            className="bleep-message bleep-message--own"
            aria-label="You, not sent yet"
          >
            <p className="bleep-message__body">
              {typeof message.content?.body === 'string' ? message.content.body : 'Message'}
            </p>
            <footer className="bleep-message__footer">
              <span
                className={`bleep-delivery bleep-delivery--${message.status === 'failed' ? 'failed' : 'waiting'}`}
              >
                {waitingText(message, nameOf)}
              </span>
              {message.status === 'failed' && (
                <button
                  type="button"
                  className="bleep-link-button"
                  onClick={() => void act(() => session.delivery.retry(message.txnId))}
                >
                  Try again
                </button>
              )}
            </footer>
          </article>
        ))}
        <div ref={end} />
      </div>
      <p className="bleep-typing" aria-live="polite">
        {typingUsers.filter((userId) => userId !== ownUserId).length > 0
          ? `${typingUsers
              .filter((userId) => userId !== ownUserId)
              .map(nameOf)
              .join(', ')} typing…`
          : ''}
      </p>
      <Composer
        roomId={roomId}
        editing={editing}
        onEditDone={() => {
          setEditing(null);
        }}
        replying={replying}
        onReplyDone={() => {
          setReplying(null);
        }}
        maxUploadBytes={policy?.maxUploadBytes ?? null}
      />
    </section>
  );
}
