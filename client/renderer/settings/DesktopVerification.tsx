// Verifying another of the clinician's own desktops by comparing seven emoji (SAS), for a clinician who wants to
// check for themselves what the trust already vouched for. Shown in the settings, and wherever the clinician is when
// another of their desktops asks.
import { useState } from 'react';
import type { OwnDesktopVerification } from '../../core/crypto/ownDesktopVerification.ts';
import { selectVerification } from '../../core/stores/selectors/verificationSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { useBleep } from '../app/useCore.ts';

const endings: Readonly<Record<NonNullable<OwnDesktopVerification['reason']>, string>> = {
  'emoji-mismatch':
    'The emoji did not match, so nothing was verified. If this keeps happening, call the IT service desk.',
  'cancelled-here': 'You stopped the verification.',
  'cancelled-on-other-desktop': 'The verification was stopped on your other desktop.',
  'accepted-elsewhere': 'Another of your desktops answered the request.',
  'timed-out':
    'The verification took too long and was stopped. Start it again when both desktops are in front of you.',
  'keys-mismatch': 'The desktops’ keys did not agree, so nothing was verified. Call the IT service desk.',
  'protocol-error': 'Something went wrong between the desktops. Start again.',
  'could-not-send': 'Bleep could not reach the server. Check the connection and start again.',
};

export function DesktopVerification({ offerStart }: Readonly<{ offerStart: boolean }>) {
  const { session } = useCoreContext();
  const verification = useBleep(selectVerification);
  const [problem, setProblem] = useState<string | null>(null);
  const step = (action: () => Promise<void> | void) => {
    setProblem(null);
    void (async () => {
      try {
        await action();
      } catch {
        setProblem('That step could not be taken now. Start again if needed.');
      }
    })();
  };
  const other = verification.otherDeviceId ?? 'your other desktop';
  const buttons = (...choices: readonly (readonly [string, () => Promise<void> | void, boolean?])[]) => (
    <div className="bleep-button-row">
      {choices.map(([label, action, secondary]) => (
        <button
          key={label}
          type="button"
          className={`bleep-button${secondary ? ' bleep-button--secondary' : ''}`}
          onClick={() => {
            step(action);
          }}
        >
          {label}
        </button>
      ))}
    </div>
  );
  // Read at each click, never while rendering: the session's verification exists only while someone is signed in, and
  // this view renders once more while a sign-out takes the session away.
  const actions = {
    requestWithOwnDevice: () => session.verification.requestWithOwnDevice(),
    accept: () => session.verification.accept(),
    startEmoji: () => session.verification.startEmoji(),
    confirmEmojiMatch: () => session.verification.confirmEmojiMatch(),
    emojiDoNotMatch: () => session.verification.emojiDoNotMatch(),
    cancel: () => session.verification.cancel(),
    dismiss: () => {
      session.verification.dismiss();
    },
  };

  let body;
  switch (verification.status) {
    case 'idle':
      if (!offerStart) return null;
      body = (
        <>
          <p>
            Have another Bleep desktop in front of you? Compare emoji on both to check they are both yours.
          </p>
          {buttons(['Verify another of my desktops', () => actions.requestWithOwnDevice(), true])}
        </>
      );
      break;
    case 'requested':
      body = (
        <>
          <p>Waiting for your other desktop to accept. Open Bleep there.</p>
          {buttons(['Cancel verification', () => actions.cancel(), true])}
        </>
      );
      break;
    case 'incoming':
      body = (
        <>
          <p>Your desktop {other} asks to verify with this one by comparing emoji.</p>
          {buttons(
            ['Accept verification', () => actions.accept()],
            ['Not now', () => actions.cancel(), true],
          )}
        </>
      );
      break;
    case 'ready':
      body = (
        <>
          <p>Both desktops are ready.</p>
          {buttons(
            ['Compare emoji', () => actions.startEmoji()],
            ['Cancel verification', () => actions.cancel(), true],
          )}
        </>
      );
      break;
    case 'showing-emoji':
      body = (
        <>
          <p>Do these seven emoji appear, in this order, on {other}?</p>
          <ol className="bleep-emoji" aria-label="Emoji to compare">
            {(verification.emoji ?? []).map((emoji, index) => (
              <li key={`${String(index)}-${emoji.name}`}>
                <span aria-hidden="true">{emoji.symbol}</span> {emoji.name}
              </li>
            ))}
          </ol>
          {verification.confirmedHere ? (
            <p>Waiting for you to confirm on {other}.</p>
          ) : (
            buttons(
              ['They match', () => actions.confirmEmojiMatch()],
              ['They do not match', () => actions.emojiDoNotMatch(), true],
            )
          )}
        </>
      );
      break;
    case 'done':
      body = (
        <>
          <p>Verified: {other} is yours.</p>
          {buttons([
            'OK',
            () => {
              actions.dismiss();
            },
            true,
          ])}
        </>
      );
      break;
    case 'cancelled':
    case 'failed':
      body = (
        <>
          <p>{verification.reason === null ? 'The verification stopped.' : endings[verification.reason]}</p>
          {buttons([
            'OK',
            () => {
              actions.dismiss();
            },
            true,
          ])}
        </>
      );
      break;
  }
  return (
    <section className="bleep-verification" aria-label="Verify another of my desktops" role="region">
      {body}
      {problem !== null && (
        <p className="bleep-error-message" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
