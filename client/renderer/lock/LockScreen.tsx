// The lock: nothing of the clinician's messages is rendered behind it (the views are unmounted, not covered), so
// neither the screen nor the window switcher's thumbnail shows any. After too many wrong PINs the only way on is to
// sign in again with the password, which erases this desktop's copy first.
import { useState, type SyntheticEvent } from 'react';
import { maximumWrongPins } from '../../core/lock/screenLock.ts';
import { selectSignedInUserId } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { ErrorSummary } from '../app/ErrorSummary.tsx';
import { useBleep, useScreenLock } from '../app/useCore.ts';

export function LockScreen() {
  const { lock, session } = useCoreContext();
  const userId = useBleep(selectSignedInUserId);
  const status = useScreenLock((state) => state.status);
  const wrongPins = useScreenLock((state) => state.wrongPins);
  const [pin, setPin] = useState('');
  const [checking, setChecking] = useState(false);

  async function unlock(event: SyntheticEvent) {
    event.preventDefault();
    setChecking(true);
    try {
      await lock.unlock(pin);
    } finally {
      setPin('');
      setChecking(false);
    }
  }

  async function signInAgain() {
    await session.signOut();
    await lock.forget();
  }

  if (status === 'blocked')
    return (
      <main className="bleep-sign-in" aria-labelledby="lock-heading">
        <div className="bleep-card">
          <h1 id="lock-heading">Bleep is locked</h1>
          <ErrorSummary title="Too many wrong PINs">
            For your patients’ safety, sign in again with your password. The messages kept on this desktop are
            erased first; your conversations come back from the server, as far as it still holds them.
          </ErrorSummary>
          <button type="button" className="bleep-button" onClick={() => void signInAgain()}>
            Sign in again
          </button>
        </div>
      </main>
    );

  return (
    <main className="bleep-sign-in" aria-labelledby="lock-heading">
      <div className="bleep-card">
        <p className="bleep-brand" aria-hidden="true">
          Bleep
        </p>
        <h1 id="lock-heading">Bleep is locked</h1>
        <p className="bleep-hint">{userId ?? ''}</p>
        {wrongPins > 0 && (
          <ErrorSummary title="That PIN is not right">
            {maximumWrongPins - wrongPins} {maximumWrongPins - wrongPins === 1 ? 'try' : 'tries'} left before
            you must sign in again with your password.
          </ErrorSummary>
        )}
        <form autoComplete="off" onSubmit={(event) => void unlock(event)} noValidate>
          <label htmlFor="unlock-pin">PIN</label>
          <input
            id="unlock-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            autoFocus
            value={pin}
            onChange={(event) => {
              setPin(event.target.value);
            }}
          />
          <button type="submit" className="bleep-button" disabled={checking}>
            Unlock
          </button>
        </form>
      </div>
    </main>
  );
}
