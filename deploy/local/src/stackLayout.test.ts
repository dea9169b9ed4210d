import { describe, expect, it } from 'vitest';
import { clientAppPort, databaseNameFor, stackLayout, trustPorts } from './stackLayout.ts';

describe('local stack layout', () => {
  it('keeps the runner state inside the Synapse root, where the chrooted Synapse can read it', () => {
    const layout = stackLayout('/var/cache/bleep');
    expect(layout.stateDir).toBe('/var/cache/bleep/sid-root/srv/bleep');
    expect(layout.chrootStateDir).toBe('/srv/bleep');
    expect(layout.logDir.startsWith(layout.sidRoot)).toBe(false);
    expect(layout.clientAppDir).toBe('/var/cache/bleep/client-app');
  });

  it('gives every trust its own ports, none shared between trusts, listeners or the client app', () => {
    const ports = [clientAppPort, ...[0, 1, 2].flatMap((index) => Object.values(trustPorts(index)))];
    expect(new Set(ports).size).toBe(ports.length);
    expect(trustPorts(1).federation).toBe(8449);
  });

  it('makes PostgreSQL-safe database names', () => {
    expect(databaseNameFor('trust-a')).toBe('bleep_trust_a');
  });
});
