import { DomainError, ErrorCode } from './domain-error';
import { loggableError, toErrorResponse } from './exception.filter';

/** What pg's DatabaseError and TypeORM's QueryFailedError around it carry. */
function pgError(code: string, message: string) {
  const driverError = Object.assign(new Error(message), { code, severity: 'ERROR' });
  return Object.assign(new Error(message), { name: 'QueryFailedError', query: 'SELECT secret FROM t WHERE x = $1', parameters: ['\u0000'], driverError, code });
}

describe('toErrorResponse', () => {
  it.each([
    ['22021', /character the database cannot store/],
    ['22P05', /character the database cannot store/],
    ['22P02', /not in the expected format/],
    ['22003', /number is out of range/],
    ['22007', /date or time/],
    ['22008', /date or time is out of range/],
  ])('answers PostgreSQL input error %s with 400 ValidationFailed, without SQL', (code, reason) => {
    const { status, body } = toErrorResponse(pgError(code, 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: 'ValidationFailed', message: expect.stringMatching(reason), details: [] });
    expect(JSON.stringify(body)).not.toMatch(/SELECT|secret|0x00|UTF8/);
  });

  it('maps a bare pg DatabaseError too', () => {
    const e = Object.assign(new Error('value "99999999999" is out of range for type integer'), { code: '22003', severity: 'ERROR' });
    expect(toErrorResponse(e).status).toBe(400);
  });

  it('keeps other database errors and look-alike codes a plain 500', () => {
    expect(toErrorResponse(pgError('23505', 'duplicate key')).status).toBe(500);
    expect(toErrorResponse(pgError('42601', 'syntax error at or near')).status).toBe(500);
    expect(toErrorResponse(Object.assign(new Error('x'), { code: '22003' })).status).toBe(500);
    expect(toErrorResponse(new Error('boom')).body).toEqual({ error: { code: 'Internal', message: 'internal error' } });
  });

  it('keeps domain errors as they are', () => {
    expect(toErrorResponse(DomainError.validation('title too long', [{ field: 'title', errors: ['too long'] }]))).toEqual({
      status: 400,
      body: { error: { code: 'ValidationFailed', message: 'title too long', details: [{ field: 'title', errors: ['too long'] }] } },
    });
  });

  it.each([
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['shutting down', pgError('57P03', 'the database system is shutting down')],
    ['admin shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['pool timeout', new Error('timeout exceeded when trying to connect')],
    // a transaction whose connection the server cut (pg_ctl restart -m fast, found by the fault suite)
    ['query runner released', Object.assign(new Error('Query runner already released. Cannot run queries anymore.'), { name: 'QueryRunnerAlreadyReleasedError' })],
  ])('answers a lost database connection (%s) with 503 and Retry-After', (_name, error) => {
    const res = toErrorResponse(error);
    expect(res.status).toBe(503);
    expect(res.headers).toEqual({ 'Retry-After': '2' });
    expect(res.body.error.code).toBe('ServiceUnavailable');
  });

  it('answers ServiceUnavailable (storage, queue out of reach) with Retry-After, its own or the default', () => {
    const storage = toErrorResponse(new DomainError(ErrorCode.ServiceUnavailable, 'storing brief.pdf failed; nothing was accepted, please retry'));
    expect(storage.status).toBe(503);
    expect(storage.headers).toEqual({ 'Retry-After': '2' });
    const queue = toErrorResponse(Object.assign(new DomainError(ErrorCode.ServiceUnavailable, 'queue down'), { retryAfterSeconds: 5 }));
    expect(queue.headers).toEqual({ 'Retry-After': '5' });
    // the audit store unreachable (a read could not be recorded): the same
    expect(toErrorResponse(new DomainError(ErrorCode.AuditUnavailable, 'audit trail unavailable')).headers).toEqual({ 'Retry-After': '2' });
    expect(toErrorResponse(new DomainError(ErrorCode.Conflict, 'x')).headers).toBeUndefined();
  });

  it('logs a failed query without its SQL, parameters or message', () => {
    const logged = JSON.stringify(loggableError(pgError('23505', 'duplicate key value violates unique constraint "x": Key (name)=(Erika Mustermann)')));
    expect(logged).toMatch(/QueryFailedError/);
    expect(logged).toMatch(/23505/);
    expect(logged).not.toMatch(/SELECT|secret|Mustermann|\\u0000/);
  });
});
