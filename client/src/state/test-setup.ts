import type { TypingRules } from '../typing/typing-rules.ts';
import type { Settings } from './settings-model.ts';

/** How a finished test was set up, in one line for its results: "words 25 · English 200 · stop on off …". */
export function testSetupLabel(settings: Settings, rules: TypingRules, characters: number): string {
  const length = settings.mode === 'timed' ? `time ${settings.duration} s` : settings.mode === 'words' ? `words ${settings.wordCount}` : `${settings.mode} (${characters} characters)`;
  const backInto = { errors: 'words with errors', any: 'any word', none: 'no word' }[rules.backspaceInto];
  return [length, settings.keyboardLayout, `stop on ${rules.stopOn}`, `Backspace into ${backInto}`].join(' · ');
}
