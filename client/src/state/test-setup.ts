import type { TypingRules } from '../typing/typing-rules.ts';
import type { Settings } from './settings-model.ts';

/** How a finished test was set up, in one line for its results: "words 25 · English 200 · stop on off …". */
export function testSetupLabel(settings: Settings, rules: TypingRules, characters: number, extras: { punctuation: boolean; numbers: boolean; source: string | null } = { punctuation: false, numbers: false, source: null }): string {
  const length = settings.mode === 'timed' ? `time ${settings.duration} s` : settings.mode === 'words' ? `words ${settings.wordCount}` : `${settings.mode} (${characters} characters)`;
  const backInto = { errors: 'words with errors', any: 'any word', none: 'no word' }[rules.backspaceInto];
  const material = [extras.punctuation ? 'punctuation' : '', extras.numbers ? 'numbers' : '', extras.source ? `"${extras.source}"` : ''].filter(Boolean);
  return [length, ...material, settings.keyboardLayout, `stop on ${rules.stopOn}`, `Backspace into ${backInto}`].join(' · ');
}
