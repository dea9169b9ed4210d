// Why the shell refuses to start, in words for the clinician and for trust IT who will be called. Each is a reason
// the secrets would be unprotected or unreadable, so the app stops rather than run without them.
export type StartupRefusalCode =
  'no-keychain' | 'keychain-stores-plaintext' | 'sealing-key-unreadable' | 'renderer-missing';

const explanations: Readonly<Record<StartupRefusalCode, string>> = {
  'no-keychain':
    "This computer's keychain (the operating system's store for protected keys) is not available, so Bleep could " +
    'not protect the messages it keeps on this computer. Bleep has not started. Please call trust IT.',
  'keychain-stores-plaintext':
    'This computer has no desktop keychain (such as GNOME Keyring or KWallet) running, so the key that protects the ' +
    'messages Bleep keeps would be written to disk unprotected. Bleep has not started. Please call trust IT.',
  'sealing-key-unreadable':
    "Bleep's key for this computer is here but the keychain cannot open it (the keychain or the user account may " +
    'have changed), so the messages kept on this computer cannot be read. Bleep has not started. Please call trust IT.',
  'renderer-missing': 'This copy of Bleep is incomplete (its screens are missing). Please call trust IT.',
};

export class StartupRefusal extends Error {
  override readonly name = 'StartupRefusal';
  readonly code: StartupRefusalCode;
  /** What trust IT needs beyond the explanation (a file's path, the keychain backend); never a secret. */
  readonly detail: string | undefined;

  constructor(code: StartupRefusalCode, detail?: string) {
    super(explanations[code]);
    this.code = code;
    this.detail = detail;
  }

  /** The error box's text: the explanation, then the code and detail for trust IT. */
  get text(): string {
    return `${this.message}\n\nFor trust IT: ${this.code}${this.detail === undefined ? '' : ` (${this.detail})`}`;
  }
}
