// Settings: what this desktop keeps and for how long, its enrolment, how its encryption stands, a patient's messages
// exported for filing to the record, and signing out, which erases everything this desktop keeps for the clinician.
import { useState, type SyntheticEvent } from 'react';
import { selectExpiry } from '../../core/stores/selectors/expirySelectors.ts';
import { selectCryptoStatus, selectSession } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { problemMessage } from '../app/problemMessage.ts';
import { useBleep } from '../app/useCore.ts';
import { dayLabel } from '../conversation/messageTime.ts';
import { DesktopVerification } from './DesktopVerification.tsx';

function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

export function SettingsPanel({ onClose }: Readonly<{ onClose: () => void }>) {
  const { session, lock } = useCoreContext();
  const state = useBleep(selectSession);
  const expiry = useBleep(selectExpiry);
  const crypto = useBleep(selectCryptoStatus);
  const [nhsNumber, setNhsNumber] = useState('');
  const [exportProblem, setExportProblem] = useState<string | null>(null);
  const [exported, setExported] = useState<string | null>(null);
  const clientDays = state.policy?.retention.clientDays ?? null;

  async function exportPatient(event: SyntheticEvent) {
    event.preventDefault();
    setExportProblem(null);
    setExported(null);
    try {
      const files = await session.patient.exportForFiling(nhsNumber);
      download(`patient-${files.document.nhsNumber}.html`, 'text/html', files.html);
      download(`patient-${files.document.nhsNumber}.json`, 'application/json', files.json);
      setExported(`${files.eventIds.length} messages exported. File them to the patient’s record.`);
    } catch (failure) {
      setExportProblem(problemMessage(failure, 'Bleep could not export those messages.'));
    }
  }

  const [signingOut, setSigningOut] = useState(false);
  async function signOut() {
    setSigningOut(true);
    await session.signOut();
    await lock.forget();
  }

  return (
    <section className="bleep-panel" aria-labelledby="settings-heading">
      <h1 id="settings-heading">Settings</h1>
      <h2>What this desktop keeps</h2>
      <dl className="bleep-summary-list">
        <dt>Messages are kept here for</dt>
        <dd>{clientDays === null ? 'the trust’s limit' : `${clientDays} days`}, then erased</dd>
        <dt>Messages kept now</dt>
        <dd>{expiry.keptMessages ?? 'not counted yet'}</dd>
        <dt>Oldest message kept</dt>
        <dd>{expiry.oldestKeptAt === null ? 'none' : dayLabel(expiry.oldestKeptAt)}</dd>
        <dt>The server forgets messages after</dt>
        <dd>{state.policy === null ? 'the trust’s limit' : `${state.policy.retention.serverHours} hours`}</dd>
      </dl>
      <h2>This desktop</h2>
      <dl className="bleep-summary-list">
        <dt>Enrolled as</dt>
        <dd>{state.enrolledDeviceId ?? 'not enrolled'}</dd>
        <dt>Trust server</dt>
        <dd>{state.serverUrl ?? 'none'}</dd>
        <dt>Signed in as</dt>
        <dd>{state.userId ?? 'nobody'}</dd>
        <dt>Encryption</dt>
        <dd>
          {crypto?.crossSigning === 'signed'
            ? 'This desktop is verified: the trust vouched for it when you signed in.'
            : 'Not verified yet: colleagues’ messages may not reach this desktop.'}
        </dd>
      </dl>
      <p className="bleep-hint">
        Your other desktops are verified the same way when you sign in there: you do not need this one at
        hand. Only trust desktops receive your messages; a personal device never does.
      </p>
      <DesktopVerification offerStart />
      <h2>Export a patient’s messages</h2>
      <form autoComplete="off" onSubmit={(event) => void exportPatient(event)} noValidate>
        <label htmlFor="export-nhs-number">Patient NHS number</label>
        <input
          id="export-nhs-number"
          inputMode="numeric"
          autoComplete="off"
          value={nhsNumber}
          onChange={(event) => {
            setNhsNumber(event.target.value);
          }}
        />
        {exportProblem !== null && (
          <p className="bleep-error-message" role="alert">
            {exportProblem}
          </p>
        )}
        {exported !== null && <p role="status">{exported}</p>}
        <button type="submit" className="bleep-button bleep-button--secondary">
          Export for filing
        </button>
      </form>
      <h2>Sign out</h2>
      <p>
        Signing out erases every message and key this desktop keeps for you, at once. The desktop stays
        enrolled.
      </p>
      <button
        type="button"
        className="bleep-button bleep-button--warning"
        disabled={signingOut}
        onClick={() => void signOut()}
      >
        {signingOut ? 'Signing out and erasing…' : 'Sign out'}
      </button>
      <p>
        <button type="button" className="bleep-link-button" onClick={onClose}>
          Back to conversations
        </button>
      </p>
    </section>
  );
}
