// A problem the clinician must read before going on, in the NHS.UK error summary's shape: announced at once
// (role="alert"), a heading that says what kind of problem, and the core's sentence saying what to do.
import type { ReactNode } from 'react';

export function ErrorSummary({
  title = 'There is a problem',
  children,
}: Readonly<{ title?: string; children: ReactNode }>) {
  return (
    <div className="bleep-error-summary" role="alert">
      <h2>{title}</h2>
      <p>{children}</p>
    </div>
  );
}
