import { describe, expect, it } from 'vitest';
import { describeError, ErrorWithNote, loggableError, newErrorReference, UnconfirmedChangeError, UserError } from '../../src/discord/errors.js';
import {
  ValentinaConflictError,
  ValentinaForbiddenError,
  ValentinaNetworkError,
  ValentinaNotFoundError,
  ValentinaOutcomeUnknownError,
  ValentinaRateLimitError,
  ValentinaResponseError,
  ValentinaServerError,
  ValentinaUnauthorizedError,
  ValentinaValidationError,
} from '../../src/valentina/index.js';

const at = { method: 'POST', endpoint: '/companies/{cid}/users/{uid}/experience/xp/add' };
const fixedRef = () => 'ERR-7KQ2';

describe('what a user is told when a handler fails', () => {
  it('shows a UserError as written', () => {
    expect(describeError(new UserError('That character is not yours.'))).toEqual({
      message: 'That character is not yours.',
      outcome: 'user_error',
    });
  });

  it('adds a note after the failure it describes, keeping that failure\'s outcome and reference', () => {
    const down = new ValentinaServerError({ ...at, status: 503, detail: 'maintenance', requestId: 'req_b2' });
    expect(describeError(new ErrorWithNote(down, 'What you typed is kept.'), fixedRef)).toEqual({
      message: 'Valentina is not answering right now. Try again in a moment. (request req_b2) What you typed is kept.',
      outcome: 'upstream_error',
    });
    const ours = describeError(new ErrorWithNote(new Error('boom'), 'What you typed is kept.'), fixedRef);
    expect(ours).toEqual({ message: expect.stringMatching(/reference ERR-7KQ2\. What you typed is kept\.$/) as string, outcome: 'error', reference: 'ERR-7KQ2' });
    const failure = new Error('boom');
    expect(loggableError(new ErrorWithNote(failure, 'kept'))).toBe(failure);
  });

  it('says honestly that a write may have been applied, with the request id, and marks it so it is not offered back', () => {
    const unknown = new ValentinaOutcomeUnknownError({ ...at, status: 500, detail: 'answered 500', requestId: 'req_c3', mayStillRun: false });
    expect(describeError(unknown, fixedRef)).toEqual({
      message: "Valentina didn't confirm this change, so it may or may not have been made (request req_c3). Check before you try again.",
      outcome: 'upstream_error',
      mayHaveApplied: true,
    });
    const noId = new ValentinaOutcomeUnknownError({ ...at, status: 502, detail: 'answered 502', mayStillRun: false });
    expect(describeError(noId, fixedRef).message).toBe("Valentina didn't confirm this change, so it may or may not have been made. Check before you try again.");
    expect(describeError(new UnconfirmedChangeError('Check with `/xp show`.', unknown))).toEqual({ message: 'Check with `/xp show`.', outcome: 'upstream_error', mayHaveApplied: true });
    expect(describeError(new ErrorWithNote(unknown, 'Your text is kept.'), fixedRef).mayHaveApplied).toBe(true);
  });

  it('passes on why Valentina refused', () => {
    const error = new ValentinaForbiddenError({ ...at, status: 403, detail: 'User not authorized to grant or remove XP for this user', requestId: 'req_a1' });
    const described = describeError(error, fixedRef);
    expect(described.message).toBe('Valentina refused: User not authorized to grant or remove XP for this user');
    expect(described.outcome).toBe('user_error');
    expect(described.reference).toBeUndefined();
  });

  it('names the request when Valentina is down or unreachable', () => {
    const server = describeError(new ValentinaServerError({ ...at, status: 503, detail: 'upstream timeout', requestId: 'req_9f2c' }));
    expect(server.message).toMatch(/^Valentina is not answering right now/);
    expect(server.message).toContain('req_9f2c');
    expect(server.message).not.toContain('upstream timeout');
    expect(server.outcome).toBe('upstream_error');

    const network = describeError(new ValentinaNetworkError({ ...at, detail: 'connect ECONNREFUSED 10.0.0.7:443', timedOut: false }));
    expect(network.message).toMatch(/^Valentina is not answering right now/);
    expect(network.message).not.toContain('ECONNREFUSED');

    const garbled = describeError(new ValentinaResponseError({ ...at, status: 200, detail: 'expected string at items[0].id', requestId: 'req_b7' }));
    expect(garbled.message).toContain('req_b7');
    expect(garbled.message).not.toContain('items[0]');
  });

  it('tells the user how long to wait when rate limited', () => {
    const described = describeError(new ValentinaRateLimitError({ ...at, status: 429, detail: 'Too many requests', retryAfterMs: 2_400 }));
    expect(described.message).toContain('3 seconds');
    expect(described.outcome).toBe('upstream_error');
  });

  it('explains rejected input, missing things and conflicts with Valentina’s own words', () => {
    expect(describeError(new ValentinaValidationError({ ...at, status: 400, detail: 'User does not have enough XP to complete the action.' })).message).toContain(
      'User does not have enough XP to complete the action.',
    );
    expect(describeError(new ValentinaNotFoundError({ ...at, status: 404, detail: 'Character not found' })).message).toContain('Character not found');
    expect(describeError(new ValentinaConflictError({ ...at, status: 409, detail: 'Already approved' })).message).toContain('Already approved');
  });

  it('apologises with a reference for our own failures, never echoing the raw error', () => {
    const secretish = new TypeError("Cannot read properties of undefined (reading 'token') at sk_live_abc123");
    const described = describeError(secretish, fixedRef);
    expect(described).toMatchObject({ outcome: 'error', reference: 'ERR-7KQ2' });
    expect(described.message).toContain('ERR-7KQ2');
    expect(described.message).not.toMatch(/token|sk_live|undefined/);

    // A 401 means the deployment's API key is wrong: not something the user can act on.
    const unauthorized = describeError(new ValentinaUnauthorizedError({ ...at, status: 401, detail: 'Invalid API key abc' }), fixedRef);
    expect(unauthorized).toMatchObject({ outcome: 'error', reference: 'ERR-7KQ2' });
    expect(unauthorized.message).not.toContain('abc');

    expect(describeError('a thrown string', fixedRef).message).not.toContain('a thrown string');
  });

  it('makes short, unambiguous, varied references', () => {
    const references = new Set(Array.from({ length: 200 }, () => newErrorReference()));
    for (const ref of references) expect(ref).toMatch(/^ERR-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(references.size).toBeGreaterThan(190);
  });
});
