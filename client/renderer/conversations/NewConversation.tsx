// Starting a conversation: find a colleague in the trust's staff directory (name, role, department) or type a
// partner clinician's full address. A colleague gets a direct conversation; a clinician at a partner trust gets a
// referral room, which carries the patient's NHS number and the reason inside its encrypted first message.
import { useEffect, useId, useState, type SyntheticEvent } from 'react';
import { normalisedNhsNumber } from '../../core/patient/patientTag.ts';
import type { StaffMember } from '../../core/staff/staffDirectory.ts';
import { selectSignedInUserId, selectTrustPolicy } from '../../core/stores/selectors/sessionSelectors.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { ErrorSummary } from '../app/ErrorSummary.tsx';
import { problemMessage } from '../app/problemMessage.ts';
import { useBleep } from '../app/useCore.ts';
import { serverOf, typedUserId } from './matrixAddress.ts';

type NewConversationProps = Readonly<{ onStarted: (roomId: string) => void; onCancel: () => void }>;

type Chosen = Readonly<{ userId: string; name: string; detail: string }>;

export function NewConversation({ onStarted, onCancel }: NewConversationProps) {
  const { session } = useCoreContext();
  const policy = useBleep(selectTrustPolicy);
  const ownUserId = useBleep(selectSignedInUserId);
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<readonly StaffMember[]>([]);
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [nhsNumber, setNhsNumber] = useState('');
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const resultsId = useId();

  const address = typedUserId(query);
  const ownServer = ownUserId === null ? null : serverOf(ownUserId);
  const target: Chosen | null =
    chosen ?? (address === null ? null : { userId: address, name: address, detail: 'Full address' });
  const partner =
    target === null || serverOf(target.userId) === ownServer
      ? null
      : (policy?.partnerTrusts.find((trust) => trust.serverName === serverOf(target.userId)) ?? {
          serverName: serverOf(target.userId),
          name: serverOf(target.userId),
        });

  useEffect(() => {
    const term = query.trim();
    if (term.length < 2 || address !== null) {
      setResults([]);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      session.staff
        .search(term)
        .then((found) => {
          if (current) setResults(found);
        })
        .catch((failure: unknown) => {
          if (current) setProblem(problemMessage(failure, 'The staff directory did not answer. Try again.'));
        });
    }, 200);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [session, query, address]);

  async function start(event: SyntheticEvent) {
    event.preventDefault();
    if (target === null) {
      setProblem('Choose someone from the list, or type their full address (like @name:trust.nhs.uk).');
      return;
    }
    setProblem(null);
    setBusy(true);
    try {
      // With a partner's clinician: a referral when it is about a patient (either field given), else a direct
      // conversation (not every word between trusts is a referral).
      const referring = partner !== null && (nhsNumber.trim() !== '' || reason.trim() !== '');
      if (referring) {
        if (reason.trim() === '') throw new ReferralFormError('Give the reason for the referral.');
        normalisedNhsNumber(nhsNumber);
        onStarted(
          await session.rooms.openReferral({ invite: target.userId, nhsNumber, reason: reason.trim() }),
        );
      } else onStarted(await session.rooms.openDirect(target.userId));
    } catch (failure) {
      setProblem(
        failure instanceof ReferralFormError
          ? failure.message
          : problemMessage(failure, 'Bleep could not start the conversation. Try again.'),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="bleep-panel" aria-labelledby="new-conversation-heading">
      <h1 id="new-conversation-heading">New conversation</h1>
      {problem !== null && <ErrorSummary>{problem}</ErrorSummary>}
      <form autoComplete="off" onSubmit={(event) => void start(event)} noValidate>
        <label htmlFor="find-people">Find people</label>
        <p className="bleep-hint" id="find-people-hint">
          A colleague’s name, role or department; or a partner clinician’s full address, like
          @name:their-trust.nhs.uk
        </p>
        <input
          id="find-people"
          type="search"
          autoComplete="off"
          spellCheck={false}
          aria-describedby="find-people-hint"
          aria-controls={resultsId}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setChosen(null);
          }}
        />
        <ul id={resultsId} className="bleep-people" aria-label="People found">
          {results.map((person) => (
            <li key={person.userId}>
              <button
                type="button"
                className={`bleep-person${chosen?.userId === person.userId ? ' bleep-person--chosen' : ''}`}
                aria-pressed={chosen?.userId === person.userId}
                onClick={() => {
                  setChosen({
                    userId: person.userId,
                    name: person.displayName,
                    detail: [person.role, person.department].filter(Boolean).join(', '),
                  });
                }}
              >
                <span className="bleep-person__name">{person.displayName}</span>
                <span className="bleep-hint">
                  {[person.role, person.department].filter(Boolean).join(', ')}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {target !== null && (
          <p className="bleep-chosen">
            With <strong>{target.name}</strong>{' '}
            {target.detail !== '' && <span className="bleep-hint">({target.detail})</span>}
            {partner !== null && <span className="bleep-tag bleep-tag--partner">{partner.name}</span>}
          </p>
        )}
        {partner !== null && (
          <fieldset className="bleep-fieldset">
            <legend>Referral to {partner.name}, if it is about a patient</legend>
            <label htmlFor="referral-nhs-number">Patient NHS number</label>
            <input
              id="referral-nhs-number"
              inputMode="numeric"
              autoComplete="off"
              value={nhsNumber}
              onChange={(event) => {
                setNhsNumber(event.target.value);
              }}
            />
            <label htmlFor="referral-reason">Reason for referral</label>
            <textarea
              autoComplete="off"
              id="referral-reason"
              rows={3}
              value={reason}
              onChange={(event) => {
                setReason(event.target.value);
              }}
            />
            <p className="bleep-hint">
              Both travel only inside the encrypted conversation. Leave both empty to talk about something
              else.
            </p>
          </fieldset>
        )}
        <div className="bleep-button-row">
          <button type="submit" className="bleep-button" disabled={busy}>
            Start conversation
          </button>
          <button type="button" className="bleep-button bleep-button--secondary" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

class ReferralFormError extends Error {
  override readonly name = 'ReferralFormError';
}
