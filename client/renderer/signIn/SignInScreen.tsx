// Sign in: the trust's server, the clinician's username and password, and on a desktop's first run the one-time
// enrolment code from trust IT (the desktop is enrolled with it first, then the clinician signs in). Every failure
// is shown in the core's words, with the field to correct focused for the keyboard.
import { useId, useState, type SyntheticEvent } from 'react';
import { selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { ErrorSummary } from '../app/ErrorSummary.tsx';
import { problemMessage } from '../app/problemMessage.ts';
import { useBleep } from '../app/useCore.ts';
import { ServerAddressError, serverUrlFor } from './serverAddress.ts';

export function SignInScreen() {
  const { session, lock, config } = useCoreContext();
  const state = useBleep(selectSession);
  const enrolled = state.enrolledDeviceId !== null;
  const [server, setServer] = useState(state.serverUrl ?? config.trusts[0]?.serverUrl ?? '');
  const [code, setCode] = useState('');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const trustsId = useId();

  async function signIn(event: SyntheticEvent) {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      const serverUrl = serverUrlFor(server, config.trusts);
      if (!enrolled) {
        if (code.trim() === '')
          throw new ServerAddressError('Enter the enrolment code trust IT gave you for this desktop.');
        await session.enrol({ serverUrl, code: code.trim() });
      } else if (state.serverUrl !== null && serverUrl !== state.serverUrl) {
        throw new ServerAddressError(
          `This desktop is enrolled with ${state.serverUrl}. To use another trust, trust IT must enrol it there.`,
        );
      }
      await session.signIn({ kind: 'password', username: username.trim(), password });
      setPassword('');
      await lock.load();
    } catch (failure) {
      // Typed again, never kept in the form after a failure.
      setPassword('');
      setError(
        failure instanceof ServerAddressError
          ? failure.message
          : problemMessage(failure, 'Bleep could not sign you in. Try again, or call the IT service desk.'),
      );
    } finally {
      setBusy(false);
    }
  }

  const shownProblem = error ?? (state.problem ? state.problem.message : null);
  return (
    <main className="bleep-sign-in" aria-labelledby="sign-in-heading">
      <div className="bleep-card">
        <p className="bleep-brand" aria-hidden="true">
          Bleep
        </p>
        <h1 id="sign-in-heading">Sign in to Bleep</h1>
        <p className="bleep-hint">
          {state.enrolledDeviceId !== null
            ? `This desktop is enrolled as ${state.enrolledDeviceId}.`
            : 'First time on this desktop: enter the enrolment code from trust IT as well.'}
        </p>
        {shownProblem !== null && <ErrorSummary>{shownProblem}</ErrorSummary>}
        <form autoComplete="off" onSubmit={(event) => void signIn(event)} noValidate>
          <label htmlFor="server">Server</label>
          <input
            id="server"
            name="server"
            list={trustsId}
            autoComplete="off"
            value={server}
            onChange={(event) => {
              setServer(event.target.value);
            }}
          />
          <datalist id={trustsId}>
            {config.trusts.map((trust) => (
              <option key={trust.name} value={trust.serverUrl}>
                {trust.displayName}
              </option>
            ))}
          </datalist>
          {!enrolled && (
            <>
              <label htmlFor="enrolment-code">Enrolment code</label>
              <input
                id="enrolment-code"
                name="enrolment-code"
                autoComplete="off"
                spellCheck={false}
                placeholder="XXXX-XXXX-XXXX-XXXX"
                value={code}
                onChange={(event) => {
                  setCode(event.target.value);
                }}
              />
            </>
          )}
          <label htmlFor="username">Username</label>
          <input
            id="username"
            name="username"
            autoComplete="off"
            spellCheck={false}
            value={username}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
          />
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
          <button type="submit" className="bleep-button" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
