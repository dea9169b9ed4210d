// The local stack's test-only application service. Its one use: Synapse lets an application service date the events
// it sends (`?ts=`, the spec's timestamp massaging), so tests and the retention benchmark can hold genuinely old
// events on a stack that started minutes ago. It talks to Synapse's internal port only; no production
// configuration has it (the production template lists no application services, and the gateway refuses its token:
// the service's users have no enrolled device).
import { stringify } from 'yaml';

export const testAppServiceFile = 'test-app-service.yaml';

/** Users the test service may register and act as: @bleep-backdated-<anything>. */
export const testAppServiceUserPrefix = 'bleep-backdated-';

export function testAppServiceRegistration(tokens: Readonly<{ asToken: string; hsToken: string }>): string {
  return stringify({
    id: 'bleep-test-backdater',
    // No URL: Synapse pushes no events to it (it only sends).
    url: null,
    as_token: tokens.asToken,
    hs_token: tokens.hsToken,
    sender_localpart: 'bleep-test-backdater',
    rate_limited: false,
    namespaces: {
      users: [{ exclusive: true, regex: `@${testAppServiceUserPrefix}.*` }],
      aliases: [],
      rooms: [],
    },
  });
}
