// First run after sign-in: the clinician chooses the PIN that unlocks Bleep on this desktop (after the idle minutes,
// after a lock, at every start). It is asked for twice so a slip of the finger does not lock them out.
import { useState, type SyntheticEvent } from 'react';
import { minimumScreenPinLength } from '../../core/lock/screenLock.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { ErrorSummary } from '../app/ErrorSummary.tsx';
import { problemMessage } from '../app/problemMessage.ts';
import { askForNotifications } from '../app/showNotifications.ts';

export function PinSetupScreen() {
  const { lock } = useCoreContext();
  const [pin, setPin] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function choose(event: SyntheticEvent) {
    event.preventDefault();
    if (pin !== confirmation) {
      setError('The two PINs are not the same. Type the same PIN in both fields.');
      return;
    }
    // A click is the moment a browser lets a page ask; the shell allows notifications and nothing else.
    askForNotifications();
    try {
      await lock.setPin(pin);
    } catch (failure) {
      setError(problemMessage(failure, 'Bleep could not keep your PIN. Try again.'));
    }
  }

  return (
    <main className="bleep-sign-in" aria-labelledby="pin-heading">
      <div className="bleep-card">
        <h1 id="pin-heading">Choose a PIN for this desktop</h1>
        <p className="bleep-hint">
          Bleep locks when you step away. Your PIN unlocks it: at least {minimumScreenPinLength} digits or
          letters, not your password.
        </p>
        {error !== null && <ErrorSummary>{error}</ErrorSummary>}
        <form autoComplete="off" onSubmit={(event) => void choose(event)} noValidate>
          <label htmlFor="new-pin">New PIN</label>
          <input
            id="new-pin"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={pin}
            onChange={(event) => {
              setPin(event.target.value);
            }}
          />
          <label htmlFor="confirm-pin">Confirm PIN</label>
          <input
            id="confirm-pin"
            type="password"
            inputMode="numeric"
            autoComplete="new-password"
            value={confirmation}
            onChange={(event) => {
              setConfirmation(event.target.value);
            }}
          />
          <button type="submit" className="bleep-button">
            Set PIN
          </button>
        </form>
      </div>
    </main>
  );
}
