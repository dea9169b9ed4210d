import { describe, expect, it } from 'vitest';
import { contentFreePush } from './contentFreePush.ts';
import { parsePolicy } from '../../policy/loadPolicy.ts';
import { ruleContext, ruleRequest, testPolicy } from './ruleContext.testkit.ts';

const pushGateway = 'https://push.northgate.nhs.uk/_matrix/push/v1/notify';
const withPushGateway = parsePolicy(
  { ...testPolicy, notifications: { ...testPolicy.notifications, pushGateways: [pushGateway] } },
  'policy with a push gateway',
);

const setPusher = (body: unknown, policy = withPushGateway) =>
  contentFreePush.check(ruleRequest('POST', '/_matrix/client/v3/pushers/set', body), ruleContext({ policy }));

describe('rule: push notifications go only to a listed push gateway, without content', () => {
  it('makes every HTTP pusher event_id_only, whatever format the client asked for', () => {
    const pusher = {
      kind: 'http',
      app_id: 'uk.nhs.bleep',
      pushkey: 'k',
      data: { url: pushGateway },
    };
    expect(setPusher(pusher)).toEqual({
      outcome: 'rewrite',
      body: { ...pusher, data: { ...pusher.data, format: 'event_id_only' } },
    });
    expect(setPusher({ ...pusher, data: { ...pusher.data, format: 'full' } })).toMatchObject({
      body: { data: { format: 'event_id_only' } },
    });
  });

  it('refuses a pusher naming a push gateway the policy does not list, and every pusher when it lists none', () => {
    const pusher = { kind: 'http', app_id: 'uk.nhs.bleep', pushkey: 'k', data: { url: pushGateway } };
    for (const url of [
      'https://push.vendor.example/_matrix/push/v1/notify',
      `${pushGateway}/`,
      pushGateway.replace('https:', 'http:'),
      undefined,
      42,
    ]) {
      expect(setPusher({ ...pusher, data: { url } }), String(url)).toMatchObject({
        outcome: 'refuse',
        error: {
          rule: 'content-free-push',
          message: expect.stringContaining("this trust's own push gateway") as string,
        },
      });
    }
    expect(setPusher({ ...pusher, data: {} })).toMatchObject({ outcome: 'refuse' });
    expect(setPusher(pusher, testPolicy)).toMatchObject({
      outcome: 'refuse',
      error: { message: expect.stringMatching(/^Push notifications are off at this trust/) as string },
    });
    expect(testPolicy.notifications.pushGateways).toEqual([]);
  });

  it('refuses email pushers and allows deleting a pusher', () => {
    expect(setPusher({ kind: 'email', pushkey: 'dr@example.com', data: {} })).toMatchObject({
      outcome: 'refuse',
      error: {
        rule: 'content-free-push',
        message: expect.stringMatching(/^email notifications are not allowed/) as string,
      },
    });
    // A kind that is not even a string is refused too, in words that do not repeat it.
    expect(setPusher({ kind: 42, pushkey: 'k' })).toMatchObject({
      outcome: 'refuse',
      error: { message: expect.stringMatching(/^These notifications are not allowed/) as string },
    });
    expect(setPusher({ kind: null, app_id: 'uk.nhs.bleep', pushkey: 'k' })).toEqual({ outcome: 'allow' });
    // No kind at all: Synapse refuses it as malformed, and no pusher is made.
    expect(setPusher({ app_id: 'uk.nhs.bleep', pushkey: 'k' })).toEqual({ outcome: 'allow' });
  });

  it('leaves other requests alone, whatever their body says', () => {
    expect(
      contentFreePush.check(ruleRequest('GET', '/_matrix/client/v3/pushers', undefined), ruleContext()),
    ).toEqual({ outcome: 'allow' });
    expect(
      contentFreePush.check(
        ruleRequest('PUT', '/_matrix/client/v3/user/@a:x/account_data/m.direct', { kind: 'email' }),
        ruleContext(),
      ),
    ).toEqual({ outcome: 'allow' });
  });
});
