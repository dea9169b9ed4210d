// Where this machine's local stack lives (BLEEP_CACHE_DIR, default /var/cache/bleep), and the one precondition
// of every command that changes it: root, because Synapse runs under chroot and packages come from apt.
import { StepError } from './progress.ts';
import { stackLayout, type StackLayout } from './stackLayout.ts';

export const defaultCacheDir = process.env.BLEEP_CACHE_DIR ?? '/var/cache/bleep';

export function localLayout(): StackLayout {
  return stackLayout(defaultCacheDir);
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new StepError(
      'the local stack runs Synapse under chroot and installs Debian packages: run it as root',
    );
  }
}
