import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { uuidLiteral } from './uuid-literal.ts';

test('a UUID becomes the same quoted literal the driver would write', () => {
  assert.is(uuidLiteral('0b6f8c1e-2a3d-4c5b-9e7f-1a2b3c4d5e6f'), "'0b6f8c1e-2a3d-4c5b-9e7f-1a2b3c4d5e6f'");
  assert.is(uuidLiteral('0B6F8C1E-2A3D-4C5B-9E7F-1A2B3C4D5E6F'), "'0B6F8C1E-2A3D-4C5B-9E7F-1A2B3C4D5E6F'");
});

test('anything that is not a UUID is refused, quotes included', () => {
  for (const id of ["x' OR '1'='1", '', '0b6f8c1e-2a3d-4c5b-9e7f-1a2b3c4d5e6', "0b6f8c1e-2a3d-4c5b-9e7f-1a2b3c4d5e6'", '0b6f8c1e-2a3d-4c5b-9e7f-1a2b3c4d5e6f\n']) {
    assert.throws(() => uuidLiteral(id), /must be a UUID/, JSON.stringify(id));
  }
});

test.run();
