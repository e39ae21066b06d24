import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeDevice } from './device-label.ts';

test('browser, operating system and device type from real User-Agent strings', () => {
  assert.equal(describeDevice('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'), { browser: 'Firefox 133', os: 'Windows 10', type: 'desktop' });
  assert.equal(describeDevice('Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1'), { browser: 'Mobile Safari 17', os: 'iOS 17.5', type: 'mobile' });
  assert.equal(describeDevice('Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36').type, 'tablet');
});

test('a missing or unknown User-Agent is labelled as such, never a crash', () => {
  assert.equal(describeDevice(null), { browser: null, os: null, type: 'unknown' });
  assert.equal(describeDevice('curl/8.5.0').os, null);
});

test.run();
