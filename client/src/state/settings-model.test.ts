import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SETTINGS, sanitiseSettings } from './settings-model.ts';

test('valid keys are taken, invalid ones keep the fallback, unknown ones are dropped', () => {
  const settings = sanitiseSettings({ theme: 'paper', duration: 999, view: 'rolling', colour: 'red', sound: { volume: 0.2, enabled: 'yes' } });
  assert.is(settings.theme, 'paper');
  assert.is(settings.duration, DEFAULT_SETTINGS.duration);
  assert.is(settings.view, 'rolling');
  assert.equal(settings.sound, { enabled: false, volume: 0.2 });
  assert.not.ok('colour' in settings);
});

test('garbage gives the defaults, and the fallback is not mutated', () => {
  const fallback = structuredClone(DEFAULT_SETTINGS);
  assert.equal(sanitiseSettings('nonsense', fallback), DEFAULT_SETTINGS);
  sanitiseSettings({ sound: { volume: 1 } }, fallback).sound.volume = 0;
  assert.is(fallback.sound.volume, DEFAULT_SETTINGS.sound.volume);
});

test.run();
