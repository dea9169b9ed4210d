// The last line of defence: a view that throws while rendering would otherwise leave a blank window. The clinician
// is told, in words, and offered a reload (what is kept is kept: the core's archive and outbox are on disk). The error
// itself goes to the console without content (its name only).
import { Component, type ReactNode } from 'react';

type BoundaryState = Readonly<{ failed: boolean }>;

export class AppErrorBoundary extends Component<Readonly<{ children: ReactNode }>, BoundaryState> {
  override state: BoundaryState = { failed: false };

  static getDerivedStateFromError(): BoundaryState {
    return { failed: true };
  }

  override componentDidCatch(error: unknown): void {
    console.error(`bleep: a view failed (${error instanceof Error ? error.name : 'unknown'})`);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="bleep-sign-in" aria-labelledby="failure-heading">
        <div className="bleep-card">
          <h1 id="failure-heading">Bleep hit a problem</h1>
          <p>
            Nothing you wrote is lost. Reload Bleep to go on; if it happens again, call the IT service desk.
          </p>
          <button
            type="button"
            className="bleep-button"
            onClick={() => {
              window.location.reload();
            }}
          >
            Reload Bleep
          </button>
        </div>
      </main>
    );
  }
}
