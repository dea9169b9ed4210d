import { describe, expect, it } from 'vitest';
import {
  DeviceNotEnrolledError,
  RateLimitedError,
  ServerDownError,
  SessionEndedError,
  UnexpectedAnswerError,
} from '../errors/clientErrors.ts';
import { answeringFetch, jsonResponse, type RecordedRequest } from '../platform.testkit.ts';
import { createStaffDirectory, staffMembersIn } from './staffDirectory.ts';

const serverUrl = 'https://bleep.trust-a.example';
const amelia = {
  user_id: '@amelia.hart:trust-a.example',
  display_name: 'Dr Amelia Hart',
  role: 'Consultant Cardiologist',
  department: 'Cardiology',
};

function directoryAnswering(answer: (request: RecordedRequest) => Response) {
  const { fetch, requests } = answeringFetch(answer);
  const directory = createStaffDirectory(() =>
    Promise.resolve({ fetch, serverUrl, accessToken: 'syt_token', deviceCredential: 'the-credential' }),
  );
  return { directory, requests };
}

describe("the trust's staff directory", () => {
  it("asks the gateway with the session's token and the desktop's credential, and gives plain data back", async () => {
    const { directory, requests } = directoryAnswering(() => jsonResponse(200, { results: [amelia] }));
    expect(await directory.search('cardio', { limit: 5 })).toEqual([
      {
        userId: '@amelia.hart:trust-a.example',
        displayName: 'Dr Amelia Hart',
        role: 'Consultant Cardiologist',
        department: 'Cardiology',
      },
    ]);
    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.url.href).toBe(`${serverUrl}/_bleep/staff/search`);
    expect(request?.headers.get('authorization')).toBe('Bearer syt_token');
    expect(request?.headers.get('x-bleep-device-credential')).toBe('the-credential');
    expect(request?.body).toEqual({ term: 'cardio', limit: 5 });
    await directory.search('hart');
    expect(requests[1]?.body).toEqual({ term: 'hart' });
  });

  it('finds nobody for a term of spaces, without asking', async () => {
    const { directory, requests } = directoryAnswering(() => jsonResponse(200, { results: [amelia] }));
    expect(await directory.search('   ')).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("classifies a failure as the session's other requests are", async () => {
    const cases: [Response, unknown][] = [
      [
        jsonResponse(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Unrecognised access token' }),
        SessionEndedError,
      ],
      [
        jsonResponse(403, { errcode: 'M_FORBIDDEN', error: 'no', 'uk.nhs.bleep.rule': 'device-enrolment' }),
        DeviceNotEnrolledError,
      ],
      [jsonResponse(429, { errcode: 'M_LIMIT_EXCEEDED', retry_after_ms: 1000 }), RateLimitedError],
      [jsonResponse(503, { errcode: 'M_UNKNOWN' }), ServerDownError],
      [jsonResponse(400, { errcode: 'M_INVALID_PARAM' }), UnexpectedAnswerError],
    ];
    for (const [response, errorClass] of cases) {
      const { directory } = directoryAnswering(() => response);
      await expect(directory.search('hart')).rejects.toBeInstanceOf(errorClass);
    }
    const { fetch } = answeringFetch(() => Promise.reject(new TypeError('fetch failed')));
    const unreachable = createStaffDirectory(() =>
      Promise.resolve({ fetch, serverUrl, accessToken: 't', deviceCredential: 'c' }),
    );
    await expect(unreachable.search('hart')).rejects.toBeInstanceOf(ServerDownError);
  });

  it('refuses an answer not in the expected shape, rather than show part of it', async () => {
    for (const body of [
      {},
      { results: 'amelia' },
      { results: [{ ...amelia, role: 7 }] },
      { results: [{ ...amelia, user_id: 'amelia' }] },
      { results: [amelia, null] },
    ]) {
      expect(staffMembersIn(body), JSON.stringify(body)).toBeUndefined();
      const { directory } = directoryAnswering(() => jsonResponse(200, body));
      await expect(directory.search('hart')).rejects.toBeInstanceOf(UnexpectedAnswerError);
    }
  });
});
