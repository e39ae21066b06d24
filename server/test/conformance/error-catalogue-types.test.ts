// HttpError takes only the catalogue's codes, each with a status the catalogue lists for it:
// the lines marked @ts-expect-error must stay compile errors (the type check fails on an
// unused one), so a typo in a code, or a code sent with the wrong status, cannot compile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CODES, isErrorCode } from '../../../shared/api/errors.ts';
import { HttpError } from '../../http/errors.ts';

test('a catalogued code with one of its statuses is an HttpError', () => {
  const error = new HttpError(409, 'SESSION_ENDED', 'this session has ended');
  assert.is(error.status, 409);
  assert.ok((ERROR_CODES[error.code].status as readonly number[]).includes(error.status));
});

test('a misspelt code or a status the code does not list does not compile', () => {
  // @ts-expect-error -- not a code of the catalogue
  const misspelt = new HttpError(404, 'SESION_NOT_FOUND', 'no such typing session');
  // @ts-expect-error -- SESSION_ENDED is a 409
  const wrongStatus = new HttpError(404, 'SESSION_ENDED', 'this session has ended');
  assert.not.ok(isErrorCode(misspelt.code));
  assert.is(wrongStatus.status, 404);
});

test.run();
