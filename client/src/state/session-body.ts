import type { SessionCreateBody } from '../transport/outbox-types.ts';
import type { Settings } from './settings-model.ts';

/**
 * How POST /api/sessions describes a test: its mode with the duration or word count the
 * API requires for it, the exact text typed (the analytics compare keys against it), and the
 * word set only for the modes that draw from one, and only a set the server listed.
 */
export function sessionBody(settings: Settings, text: string, knownWordSetId: string | null, decoration = { punctuation: false, numbers: false }, lesson = false): SessionCreateBody {
  const config: SessionCreateBody['config'] = { view: settings.view, stopOnError: settings.stopOnError };
  if (decoration.punctuation) config.punctuation = true;
  if (decoration.numbers) config.numbers = true;
  if (lesson) config.lesson = 'learn';
  if (settings.mode === 'timed') config.duration = settings.duration;
  if (settings.mode === 'words') config.wordCount = settings.wordCount;
  const fromSet = (settings.mode === 'timed' || settings.mode === 'words') && !lesson;
  return {
    mode: settings.mode, config, practiceText: text,
    wordSetId: fromSet ? knownWordSetId : null, keyboardLayout: settings.keyboardLayout,
  };
}
