// The signed-in, unlocked desktop: the header (who is signed in, sync state, Settings, Lock), the conversation list,
// and what is open beside it (a conversation, a new conversation, or the settings).
import { useState } from 'react';
import { selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { ConversationView } from '../conversation/ConversationView.tsx';
import { ConversationList } from '../conversations/ConversationList.tsx';
import { NewConversation } from '../conversations/NewConversation.tsx';
import { DesktopVerification } from '../settings/DesktopVerification.tsx';
import { SettingsPanel } from '../settings/SettingsPanel.tsx';
import { useCoreContext } from './coreContext.ts';
import { useBleep } from './useCore.ts';

type OpenPane =
  | Readonly<{ kind: 'none' }>
  | Readonly<{ kind: 'room'; roomId: string; eventId: string | null }>
  | Readonly<{ kind: 'new' }>
  | Readonly<{ kind: 'settings' }>;

const syncWords = {
  stopped: 'Not connected',
  'catching-up': 'Catching up…',
  syncing: 'Connected',
  error: 'Cannot reach the server: messages you write are kept and sent when it answers',
} as const;

export function MainScreen() {
  const { lock, session: core } = useCoreContext();
  const session = useBleep(selectSession);
  const [pane, setPane] = useState<OpenPane>({ kind: 'none' });
  const open = (next: OpenPane) => {
    setPane(next);
    // The core does not notify the clinician of the conversation they are looking at.
    core.store.getState().roomOpened(next.kind === 'room' ? next.roomId : null);
  };
  return (
    <div className="bleep-layout">
      <header className="bleep-header">
        <span className="bleep-header__brand">Bleep</span>
        <span className="bleep-header__trust">{session.policy?.trust.name ?? ''}</span>
        <span className={`bleep-header__sync bleep-header__sync--${session.sync}`} role="status">
          {syncWords[session.sync]}
        </span>
        <span className="bleep-header__user">{session.userId}</span>
        <button
          type="button"
          className="bleep-header__button"
          aria-pressed={pane.kind === 'settings'}
          onClick={() => {
            open({ kind: 'settings' });
          }}
        >
          Settings
        </button>
        <button
          type="button"
          className="bleep-header__button"
          onClick={() => {
            lock.lock();
          }}
        >
          Lock
        </button>
      </header>
      <ConversationList
        openRoomId={pane.kind === 'room' ? pane.roomId : null}
        onOpen={(roomId, eventId) => {
          open({ kind: 'room', roomId, eventId: eventId ?? null });
        }}
        onNewConversation={() => {
          open({ kind: 'new' });
        }}
      />
      <main className="bleep-main">
        {/* Another of the clinician's desktops asking to verify, or one under way, shows wherever they are. */}
        {pane.kind !== 'settings' && <DesktopVerification offerStart={false} />}
        {pane.kind === 'room' && (
          <ConversationView key={pane.roomId} roomId={pane.roomId} focusEventId={pane.eventId} />
        )}
        {pane.kind === 'new' && (
          <NewConversation
            onStarted={(roomId) => {
              open({ kind: 'room', roomId, eventId: null });
            }}
            onCancel={() => {
              open({ kind: 'none' });
            }}
          />
        )}
        {pane.kind === 'settings' && (
          <SettingsPanel
            onClose={() => {
              open({ kind: 'none' });
            }}
          />
        )}
        {pane.kind === 'none' && (
          <div className="bleep-empty">
            <h1>Bleep</h1>
            <p>Choose a conversation, or start a new one.</p>
          </div>
        )}
      </main>
    </div>
  );
}
