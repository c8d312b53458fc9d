import { describe, expect, it } from 'vitest';
import { parseProblem } from '../../src/valentina/problem.js';

describe('problem bodies', () => {
  it('reads every member of an RFC 9457 problem', () => {
    const body = {
      status: 400,
      title: 'Bad Request',
      detail: 'Validation failed for one or more fields.',
      request_id: 'req_Zx4mQ0bH2sVt8yKc1NwP7g',
      invalid_parameters: [{ field: 'limit', message: 'Expected `int` <= 100' }],
    };
    expect(parseProblem(JSON.stringify(body))).toEqual({
      title: 'Bad Request',
      detail: 'Validation failed for one or more fields.',
      request_id: 'req_Zx4mQ0bH2sVt8yKc1NwP7g',
      invalid_parameters: [{ field: 'limit', message: 'Expected `int` <= 100' }],
    });
    expect(parseProblem('{"detail":"Discord rejected the access token","code":"TOKEN_VERIFICATION_FAILED"}').code).toBe('TOKEN_VERIFICATION_FAILED');
    expect(parseProblem('{"detail":"You are being rate limited.","retry_after":12.5}').retry_after).toBe(12.5);
  });

  it('keeps what it can of a body that is not quite a problem, and nothing of one that is no JSON object', () => {
    expect(parseProblem('{"status_code":500,"detail":"Internal Server Error"}')).toEqual({ detail: 'Internal Server Error' });
    expect(parseProblem('{"detail":42,"title":"Conflict","code":"SOMETHING_NEW","invalid_parameters":[{"field":"x"},{"field":"y","message":"bad"}]}')).toEqual({
      title: 'Conflict',
      invalid_parameters: [{ field: 'y', message: 'bad' }],
    });
    expect(parseProblem('<html><body>502 Bad Gateway</body></html>')).toEqual({});
    expect(parseProblem('null')).toEqual({});
    expect(parseProblem('')).toEqual({});
  });
});
