/// <reference lib="dom" />
// The Chromium test's page: the client core on the browser platform, as the desktop's renderer will run it, driven by
// the test through window.bleepDesktop. It shows the session and the timeline in the DOM as a renderer would (so the
// profile scan covers what Chromium keeps of a page that displayed the messages), and answers in plain data only.
import { createBrowserPlatform } from '../../../browser/browserPlatform.ts';
import { consoleLogger } from '../../../browser/consoleLogger.ts';
import { BleepClientError } from '../../../core/errors/clientErrors.ts';
import { createBleepSession, type BleepSession } from '../../../core/session/createBleepSession.ts';
import { selectInvitations } from '../../../core/stores/selectors/roomSelectors.ts';
import { selectCryptoStatus, selectSession } from '../../../core/stores/selectors/sessionSelectors.ts';
import { selectMessages } from '../../../core/stores/selectors/timelineSelectors.ts';

export type PageMessage = Readonly<{ id: string; sender: string; body: string | null; decryption: string }>;
export type PageSession = Readonly<{
  status: string;
  userId: string | null;
  deviceId: string | null;
  crossSigning: string | null;
}>;

export interface DesktopPage {
  /** Milliseconds from navigation start until the core was ready to use (platform opened, session made). */
  readonly startedAfterMs: number;
  enrol(serverUrl: string, deviceId: string, code: string): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  restore(): Promise<'restored' | 'no-session'>;
  session(): PageSession;
  invitations(): string[];
  join(roomId: string): Promise<void>;
  /** Which room the DOM shows. */
  show(roomId: string): void;
  messages(roomId: string): PageMessage[];
  stop(): void;
}

declare global {
  interface Window {
    /** Set once the core is ready; the test waits for it to exist. */
    bleepDesktop: DesktopPage;
  }
}

/** A typed error's code goes with its message, so the test's failure says which one the core raised. */
async function withCode<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (error) {
    if (error instanceof BleepClientError) throw new Error(`${error.code}: ${error.message}`);
    throw error;
  }
}

function render(core: BleepSession, roomId: string | undefined): void {
  const state = core.store.getState();
  const status = document.getElementById('status');
  if (status)
    status.textContent = `${state.session.status} ${state.session.userId ?? ''} ${state.session.deviceId ?? ''}`;
  const list = document.getElementById('timeline');
  if (!list || roomId === undefined) return;
  list.replaceChildren(
    ...selectMessages(roomId)(state).map((item) => {
      const line = document.createElement('li');
      line.textContent = `${item.sender}: ${item.body ?? `(${item.decryption})`}`;
      return line;
    }),
  );
}

async function start(): Promise<void> {
  const platform = await createBrowserPlatform({ logger: consoleLogger('bleep', 'error') });
  // A short long-poll, as in the Node integration tests, so the test's waits stay short.
  const core = createBleepSession({ platform, pollTimeoutMs: 5_000 });
  let shown: string | undefined;
  core.store.subscribe(() => {
    render(core, shown);
  });
  window.bleepDesktop = {
    startedAfterMs: performance.now(),
    enrol: (serverUrl, deviceId, code) => withCode(core.enrol({ serverUrl, deviceId, code })),
    signIn: (username, password) => withCode(core.signIn({ kind: 'password', username, password })),
    restore: () => withCode(core.restore()),
    session: () => {
      const state = core.store.getState();
      const session = selectSession(state);
      return {
        status: session.status,
        userId: session.userId,
        deviceId: session.deviceId,
        crossSigning: selectCryptoStatus(state)?.crossSigning ?? null,
      };
    },
    invitations: () => selectInvitations(core.store.getState()).map((room) => room.roomId),
    join: (roomId) => withCode(core.rooms.join(roomId)),
    show: (roomId) => {
      shown = roomId;
      render(core, shown);
    },
    messages: (roomId) =>
      selectMessages(roomId)(core.store.getState()).map(({ id, sender, body, decryption }) => ({
        id,
        sender,
        body,
        decryption,
      })),
    stop: () => {
      core.stop();
    },
  };
}

await start();
