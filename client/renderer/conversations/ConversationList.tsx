// The sidebar: invitations to answer, then every conversation the clinician is in, the latest first, with its
// unread count and an urgent marker; and a search over the messages this desktop keeps (no server asked).
import { useState, type SyntheticEvent } from 'react';
import type { RoomSummary } from '../../core/stores/roomsSlice.ts';
import { selectInvitations, selectJoinedRooms } from '../../core/stores/selectors/roomSelectors.ts';
import { selectSearch } from '../../core/stores/selectors/searchSelectors.ts';
import { selectSignedInUserId } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { problemMessage } from '../app/problemMessage.ts';
import { useBleep, useBleepList } from '../app/useCore.ts';
import { conversationLabel } from './conversationLabel.ts';
import { shortTime } from '../conversation/messageTime.ts';

type ConversationListProps = Readonly<{
  openRoomId: string | null;
  onOpen: (roomId: string, eventId?: string) => void;
  onNewConversation: () => void;
}>;

function InvitationCard({ room, onOpen }: Readonly<{ room: RoomSummary; onOpen: (roomId: string) => void }>) {
  const { session } = useCoreContext();
  const ownUserId = useBleep(selectSignedInUserId);
  const [problem, setProblem] = useState<string | null>(null);
  const label = conversationLabel(room, ownUserId);
  async function answer(accept: boolean) {
    try {
      if (accept) {
        await session.rooms.join(room.roomId);
        onOpen(room.roomId);
      } else await session.rooms.leave(room.roomId);
    } catch (failure) {
      setProblem(problemMessage(failure, 'Bleep could not answer the invitation. Try again.'));
    }
  }
  return (
    <li className="bleep-invitation" aria-label={`Invitation: ${label.title}`}>
      <p className="bleep-invitation__title">{label.title}</p>
      <p className="bleep-hint">Invited by {label.invitedBy ?? 'someone'}</p>
      {label.partner !== null && <p className="bleep-tag bleep-tag--partner">{label.partner}</p>}
      {problem !== null && <p role="alert">{problem}</p>}
      <div className="bleep-button-row">
        <button type="button" className="bleep-button" onClick={() => void answer(true)}>
          Accept
        </button>
        <button
          type="button"
          className="bleep-button bleep-button--secondary"
          onClick={() => void answer(false)}
        >
          Decline
        </button>
      </div>
    </li>
  );
}

export function ConversationList({ openRoomId, onOpen, onNewConversation }: ConversationListProps) {
  const { session } = useCoreContext();
  const rooms = useBleepList(selectJoinedRooms);
  const invitations = useBleepList(selectInvitations);
  const search = useBleep(selectSearch);
  const roomsById = useBleep((state) => state.rooms.byId);
  const ownUserId = useBleep(selectSignedInUserId);
  const [query, setQuery] = useState('');

  function find(event: SyntheticEvent) {
    event.preventDefault();
    void session.searchArchive({ text: query });
  }

  const searching = query.trim() !== '' && search.query !== null;
  return (
    <nav className="bleep-sidebar" aria-label="Conversations">
      <button type="button" className="bleep-button bleep-button--wide" onClick={onNewConversation}>
        New conversation
      </button>
      <form autoComplete="off" role="search" className="bleep-search" onSubmit={find}>
        <label htmlFor="message-search">Search this desktop</label>
        <div className="bleep-search__row">
          <input
            id="message-search"
            type="search"
            value={query}
            onChange={(event) => {
              setQuery(event.target.value);
            }}
          />
          <button type="submit" className="bleep-button bleep-button--secondary">
            Search
          </button>
        </div>
      </form>
      {searching ? (
        <section aria-label="Search results">
          <h2 className="bleep-sidebar__heading">
            {search.status === 'searching' ? 'Searching…' : `${search.hits.length} found on this desktop`}
          </h2>
          <ul className="bleep-room-list">
            {search.hits.map((hit) => (
              <li key={hit.eventId}>
                <button
                  type="button"
                  className="bleep-room"
                  onClick={() => {
                    onOpen(hit.roomId, hit.eventId);
                  }}
                >
                  <span className="bleep-room__name">{roomsById[hit.roomId]?.name ?? 'Conversation'}</span>
                  <span className="bleep-room__preview">{hit.body}</span>
                  <span className="bleep-room__time">{shortTime(hit.sentAt)}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : (
        <>
          {invitations.length > 0 && (
            <section aria-label="Invitations">
              <h2 className="bleep-sidebar__heading">Invitations</h2>
              <ul className="bleep-room-list">
                {invitations.map((room) => (
                  <InvitationCard key={room.roomId} room={room} onOpen={onOpen} />
                ))}
              </ul>
            </section>
          )}
          <h2 className="bleep-sidebar__heading">Conversations</h2>
          {rooms.length === 0 && (
            <p className="bleep-hint">No conversations yet. Start one with a colleague.</p>
          )}
          <ul className="bleep-room-list">
            {rooms.map((room) => {
              const label = conversationLabel(room, ownUserId);
              return (
                <li key={room.roomId}>
                  <button
                    type="button"
                    className={`bleep-room${room.roomId === openRoomId ? ' bleep-room--open' : ''}`}
                    aria-current={room.roomId === openRoomId ? 'page' : undefined}
                    onClick={() => {
                      onOpen(room.roomId);
                    }}
                  >
                    <span className="bleep-room__name">
                      {room.urgentUnread && <span className="bleep-urgent-marker">Urgent</span>}
                      {label.title}
                    </span>
                    {label.partner !== null && (
                      <span className="bleep-tag bleep-tag--partner">{label.partner}</span>
                    )}
                    <span className="bleep-room__kind">{label.kind}</span>
                    {room.lastActivityAt !== null && (
                      <span className="bleep-room__time">{shortTime(room.lastActivityAt)}</span>
                    )}
                    {room.unreadCount > 0 && (
                      <span className="bleep-unread" aria-label={`${room.unreadCount} unread`}>
                        {room.unreadCount}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
    </nav>
  );
}
