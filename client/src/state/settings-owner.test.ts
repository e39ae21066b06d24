import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SETTINGS, type Settings } from './settings-model.ts';
import { settingsForIdentity } from './settings-owner.ts';

const local: Settings = { ...DEFAULT_SETTINGS, theme: 'cyberpunk', duration: 60 };
const server: Settings = { ...DEFAULT_SETTINGS, theme: 'paper', duration: 15 };

test('same identity: the server wins except keys that never reached it', () => {
  const { value, send } = settingsForIdentity({ sameIdentity: true, anonymous: false, local, server, unsynced: new Set(['duration']) });
  assert.is(value.theme, 'paper');
  assert.is(value.duration, 60);
  assert.equal(send, ['duration']);
});

test('signing in: the account replaces everything, signed-out changes included', () => {
  const { value, send } = settingsForIdentity({ sameIdentity: false, anonymous: false, local, server, unsynced: new Set(['theme', 'duration']) });
  assert.equal(value, server);
  assert.equal(send, []);
});

test('signing out: the device keeps what it shows and gives it to the new signed-out typist', () => {
  const { value, send } = settingsForIdentity({ sameIdentity: false, anonymous: true, local, server: DEFAULT_SETTINGS, unsynced: new Set() });
  assert.equal(value, local);
  assert.ok(send.includes('theme') && send.includes('duration'));
});

test.run();
