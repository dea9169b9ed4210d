// Writing a message: its text (Enter sends, Shift+Enter starts a new line), an optional patient tag (an NHS number,
// checked as it is typed, sent only inside encrypted content), an urgent flag, and files. Messages go through the
// core's delivery queue: kept sealed here first, so nothing written is lost if the server is down.
import { useEffect, useId, useRef, useState, type SyntheticEvent, type KeyboardEvent } from 'react';
import { normalisedNhsNumber } from '../../core/patient/patientTag.ts';
import { textMessageContent } from '../../core/rooms/textMessageContent.ts';
import { useCoreContext } from '../app/coreContext.ts';
import { problemMessage } from '../app/problemMessage.ts';
import { imageDetails } from './imageThumbnail.ts';

export type EditingMessage = Readonly<{ eventId: string; body: string }>;

/** The message being answered: its id goes inside the encrypted reply; its text is only shown here, never sent. */
export type ReplyingTo = Readonly<{ eventId: string; senderName: string; text: string }>;

type ComposerProps = Readonly<{
  roomId: string;
  editing: EditingMessage | null;
  onEditDone: () => void;
  replying: ReplyingTo | null;
  onReplyDone: () => void;
  /** Policy's largest upload, in bytes. */
  maxUploadBytes: number | null;
}>;

function nhsNumberProblem(typed: string): string | null {
  if (typed.trim() === '') return null;
  try {
    normalisedNhsNumber(typed);
    return null;
  } catch {
    return 'This is not a valid NHS number: check the 10 digits.';
  }
}

export function Composer({
  roomId,
  editing,
  onEditDone,
  replying,
  onReplyDone,
  maxUploadBytes,
}: ComposerProps) {
  const { session } = useCoreContext();
  const [body, setBody] = useState('');
  const [nhsNumber, setNhsNumber] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [sendingFile, setSendingFile] = useState(false);
  const messageField = useRef<HTMLTextAreaElement>(null);
  const typingSent = useRef(false);
  const nhsHintId = useId();
  const nhsProblem = nhsNumberProblem(nhsNumber);

  useEffect(() => {
    if (replying) messageField.current?.focus();
  }, [replying]);

  useEffect(() => {
    if (editing) {
      setBody(editing.body);
      messageField.current?.focus();
    }
  }, [editing]);

  useEffect(() => {
    setBody('');
    setNhsNumber('');
    setUrgent(false);
    setProblem(null);
  }, [roomId]);

  function typing(now: boolean) {
    if (typingSent.current === now) return;
    typingSent.current = now;
    void session.rooms.setTyping(roomId, now).catch(() => undefined);
  }

  async function send(event?: SyntheticEvent) {
    event?.preventDefault();
    const text = body.trim();
    if (text === '' || nhsProblem !== null) return;
    setProblem(null);
    try {
      if (editing) {
        await session.rooms.editText(roomId, editing.eventId, text);
        onEditDone();
      } else {
        const content = textMessageContent(text, {
          urgent,
          ...(nhsNumber.trim() === '' ? {} : { nhsNumber }),
          ...(replying === null ? {} : { replyTo: replying.eventId }),
        });
        await session.delivery.write(roomId, 'm.room.message', content);
        onReplyDone();
      }
      setBody('');
      setUrgent(false);
      typing(false);
      messageField.current?.focus();
    } catch (failure) {
      setProblem(problemMessage(failure, 'Bleep could not send that message. It is not lost: try again.'));
    }
  }

  async function attach(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    if (maxUploadBytes !== null && file.size > maxUploadBytes) {
      setProblem(
        `That file is too large to send (the trust allows ${Math.floor(maxUploadBytes / 1024 / 1024)} MB).`,
      );
      return;
    }
    setSendingFile(true);
    setProblem(null);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      const mimetype = file.type === '' ? 'application/octet-stream' : file.type;
      const details = mimetype.startsWith('image/') ? await imageDetails(file) : undefined;
      await session.rooms.sendAttachment(roomId, { name: file.name, mimetype, bytes, ...(details ?? {}) });
    } catch (failure) {
      setProblem(problemMessage(failure, 'Bleep could not send that file. Try again.'));
    } finally {
      setSendingFile(false);
    }
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void send();
    } else if (event.key === 'Escape' && editing) {
      setBody('');
      onEditDone();
    } else if (event.key === 'Escape' && replying) onReplyDone();
  }

  return (
    <form autoComplete="off" className="bleep-composer" onSubmit={(event) => void send(event)}>
      {problem !== null && (
        <p className="bleep-error-message" role="alert">
          {problem}
        </p>
      )}
      {replying && (
        <p className="bleep-hint">
          Replying to {replying.senderName}: <span className="bleep-quote__inline">{replying.text}</span>{' '}
          <button type="button" className="bleep-link-button" onClick={onReplyDone}>
            Cancel reply
          </button>
        </p>
      )}
      {editing && (
        <p className="bleep-hint">
          Editing your message.{' '}
          <button
            type="button"
            className="bleep-link-button"
            onClick={() => {
              setBody('');
              onEditDone();
            }}
          >
            Cancel edit
          </button>
        </p>
      )}
      <div className="bleep-composer__options">
        <div className="bleep-composer__patient">
          <label htmlFor="composer-nhs-number">Patient NHS number (optional)</label>
          <input
            id="composer-nhs-number"
            inputMode="numeric"
            autoComplete="off"
            aria-invalid={nhsProblem !== null}
            aria-describedby={nhsHintId}
            value={nhsNumber}
            onChange={(event) => {
              setNhsNumber(event.target.value);
            }}
          />
          <span id={nhsHintId} className={nhsProblem === null ? 'bleep-hint' : 'bleep-error-message'}>
            {nhsProblem ?? 'Tags the message with the patient, inside the encryption.'}
          </span>
        </div>
        <div className="bleep-checkbox">
          <input
            id="composer-urgent"
            type="checkbox"
            checked={urgent}
            onChange={(event) => {
              setUrgent(event.target.checked);
            }}
          />
          <label htmlFor="composer-urgent">Urgent</label>
        </div>
        <div className="bleep-file">
          <label htmlFor="composer-file" className="bleep-button bleep-button--secondary">
            {sendingFile ? 'Sending file…' : 'Attach file'}
          </label>
          <input
            id="composer-file"
            type="file"
            className="bleep-visually-hidden"
            disabled={sendingFile}
            onChange={(event) => {
              void attach(event.target.files);
              event.target.value = '';
            }}
          />
        </div>
      </div>
      <div className="bleep-composer__row">
        <label htmlFor="composer-message" className="bleep-visually-hidden">
          Message
        </label>
        <textarea
          autoComplete="off"
          id="composer-message"
          ref={messageField}
          rows={2}
          placeholder="Write a message"
          value={body}
          onChange={(event) => {
            setBody(event.target.value);
            typing(event.target.value !== '');
          }}
          onBlur={() => {
            typing(false);
          }}
          onKeyDown={keyDown}
        />
        <button type="submit" className="bleep-button">
          {editing ? 'Save' : 'Send'}
        </button>
      </div>
    </form>
  );
}
