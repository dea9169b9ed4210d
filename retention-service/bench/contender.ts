// What the bench runs against each contender, and what a contender does: start from the same restored data, with
// its own Synapse configuration, purge once, and say when its purge started and finished.
import type { BenchHomeserver } from './benchHomeserver.ts';
import type { BenchSettings } from './benchSettings.ts';

export type ContenderContext = Readonly<{
  homeserver: BenchHomeserver;
  settings: BenchSettings;
  /** The retention service's environment for the bench homeserver (as the local runner makes it for a trust). */
  retentionEnv: Readonly<Record<string, string>>;
  /** The policy's window: anything dated before now minus this is old. */
  windowMs: number;
  /** When the idle measurement ends and a contender that is started by the bench starts its purge. */
  idleUntil: number;
  /** Progress lines (stderr). */
  info: (line: string) => void;
}>;

export type PurgeWindow = Readonly<{
  startedAt: number;
  finishedAt: number;
  /** Contender-specific lines for the report (counts, failures). */
  detail: readonly string[];
}>;

export type ContenderId = 'service' | 'synapse-jobs' | 'purge-history' | 'purge-history-500ms';

export type Contender = Readonly<{
  id: ContenderId;
  title: string;
  /** Synapse's configuration for this contender (a path inside the sid root). */
  synapseConfig: (context: ContenderContext) => Promise<string>;
  /** Runs the purge (after the idle measurement) and resolves once it has finished. */
  purge: (context: ContenderContext) => Promise<PurgeWindow>;
}>;

export function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}

export class ContenderTimeout extends Error {
  override readonly name = 'ContenderTimeout';
}
