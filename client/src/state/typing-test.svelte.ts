import { flushSync } from 'svelte';
import { isModifierCode } from '../../../shared/metrics/key-classes.ts';
import { liveFigures, type LiveFigures } from '../../../shared/metrics/live.ts';
import { KeyFlags, type KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { CaptureSink } from '../capture/key-capture.ts';
import type { CapturedKey } from '../capture/key-record.ts';
import { SessionClock } from '../capture/session-clock.ts';
import { keyFor, type KeyPress } from '../../../shared/keyboard/next-key.ts';
import type { KeySounds } from '../sound/key-sounds.ts';
import type { ActiveSession, Delivery } from '../transport/delivery.ts';
import { CURRENT_BIT } from '../typing/char-state.ts';
import { practiceText } from '../typing/practice-text.ts';
import { KeyPace, TICKER_SLIDE_MS, tickerSlideMs } from '../typing/ticker-motion.ts';
import { consumes, startsTest } from '../typing/key-roles.ts';
import { TypingEngine, type KeyOutcome } from '../typing/typing-engine.ts';
import type { TypingRules } from '../typing/typing-rules.ts';
import { quoteSource, type QuoteLength } from '../typing/quotes.ts';
import { ClosingSessions } from './closing-sessions.ts';
import { sessionBody } from './session-body.ts';
import type { Settings } from './settings-model.ts';

export type TestPhase = 'ready' | 'running' | 'finishing' | 'finished';

/** A test that ran to its end: what the results page needs. */
export interface FinishedTest {
  localId: string;
  text: string;
  events: KeyEvent[];
  settings: Settings;
  durationMs: number;
  session: ActiveSession;
  /** The rules it was typed under (shown with the results). */
  rules: TypingRules;
  /** Punctuation and numbers among the words (timed and words modes). */
  decoration: { punctuation: boolean; numbers: boolean };
  /** Author and work of a quote. */
  source: string | null;
}

export interface TypingTestDeps {
  delivery: Delivery;
  sounds: KeySounds;
  settings(): Settings;
  customText(): string;
  /** Words of the chosen word set (empty: the built-in list) and its id when it is a known set. */
  wordSet(): { id: string | null; words: readonly string[] };
  userId(): string | null;
  /** Word-by-word rules: stop on letter/word, Backspace into earlier words. */
  rules(): TypingRules;
  /** Whether the typing page shows (keys on other pages are not typing). */
  active(): boolean;
  /** Punctuation and numbers among random words; the length of quotes. */
  textOptions(): { punctuation: boolean; numbers: boolean; quoteLength: QuoteLength; lesson: ((words: readonly string[], count: number) => string[]) | null };
}

/** The results wait this long for keys still held when the test ends... */
const KEYUP_GRACE_MS = 1000;
/**
 * ...but their keyups are recorded in the finished session whenever they come while the page
 * has the keyboard (blur or a hidden tab finishes it at once). A wall-clock grace of one second
 * lost the keyup of a key held a little longer, or of any key on a busy machine whose renderer
 * handed the event over late; this bound only keeps a keyup that never comes from holding the
 * session's `end` forever.
 */
const HELD_KEY_WAIT_MS = 60_000;
const TICK_MS = 100;
const LIVE_EVERY_TICKS = 5;

/**
 * One typing test, from the text shown to the results: the capture sink, the engine that
 * judges each key, the session clock, and the stream of recorded events to the outbox.
 *
 * The keydown path is the hot one. It changes only the per-character view codes that
 * moved (per-index reactive cells, so Svelte repaints two or three spans), runs the
 * effects synchronously (flushSync) so the change is in the DOM before the handler returns
 * and on screen at the next frame, and timestamps itself with performance.measure:
 * "ff:keydown" (handler, DOM update included) and "ff:key-to-frame" (the key's timestamp to
 * the next animation frame). Live figures and the timer are computed off that path, on a
 * 100 ms tick.
 *
 * What is recorded: from the session's first keydown (a character key, or a modifier still
 * held when it comes: "Shift, T" starts at the Shift) every keydown and keyup until the end,
 * then the keyups of keys still held, for up to a second, also when Escape or Tab cut the
 * test short (closing-sessions.ts). Enter, Tab and Escape outside a test (and Tab/Escape
 * inside) drive the page and are not recorded.
 *
 * Focus loss (window blur, tab hidden): keys held at that moment are forgotten and NO
 * synthetic keyup is recorded. The protocol has no flag for an invented event, so a keyup
 * made up at blur time would be stored as a real, wrong hold time; the analytics count a
 * keydown without keyup as a missing keyup instead (counts.missingKeyups), which is true.
 * A real keyup arriving after focus returns, for a key forgotten this way, is dropped too:
 * its hold would include the time away.
 */
export class TypingTest implements CaptureSink {
  phase = $state<TestPhase>('ready');
  chars = $state.raw<string[]>([]);
  /** Per character: CharState | CURRENT_BIT. Read per index, so one write repaints one span. */
  view = $state<number[]>([]);
  /** Extra letters typed past a word, by the position of the word's last letter. */
  extras = $state<string[]>([]);
  /** Extra letters on screen before the cursor: the ticker slides by them as well. */
  extraShift = $state(0);
  /** Caps Lock was on at the last key: the page warns. */
  capsLock = $state(false);
  pos = $state(0);
  elapsedMs = $state(0);
  live = $state.raw<LiveFigures | null>(null);
  /** The key (and Shift) to press next, in the chosen layout. */
  readonly nextKey: KeyPress | null = $derived(this.keyAt(this.pos));
  /** Incremented on each error: the views flash. */
  errorPulse = $state(0);
  slideMs = $state(TICKER_SLIDE_MS);
  focused = $state(true);
  result = $state.raw<FinishedTest | null>(null);
  /** Author and work of the quote being typed (quote mode). */
  source = $state<string | null>(null);

  private engine = new TypingEngine('');
  private rulesAtStart: TypingRules | null = null;
  private decorationAtStart = { punctuation: false, numbers: false };
  private lessonAtStart = false;
  private clock = new SessionClock();
  private pace = new KeyPace();
  private events: KeyEvent[] = [];
  private held = new Map<string, KeyOutcome>();
  /** Modifiers pressed before the first character: they open the session if still held. */
  private preHeld = new Map<string, CapturedKey>();
  private session: ActiveSession | null = null;
  private readonly closing = new ClosingSessions(HELD_KEY_WAIT_MS);
  private settingsAtStart: Settings | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private graceTimer: ReturnType<typeof setTimeout> | null = null;
  private ticks = 0;
  private text = '';

  constructor(private readonly deps: TypingTestDeps) {
    this.prepare();
  }

  /** A fresh text with the current settings; any running test is aborted first. */
  prepare(): void {
    if (this.phase === 'running' || this.phase === 'finishing') this.endSession();
    const settings = this.deps.settings();
    const options = this.deps.textOptions();
    this.text = practiceText({
      mode: settings.mode, duration: settings.duration, wordCount: settings.wordCount,
      words: this.deps.wordSet().words, customText: this.deps.customText(),
      quoteLength: options.quoteLength, decoration: { punctuation: options.punctuation, numbers: options.numbers },
    });
    if (settings.mode === 'words' && options.lesson) this.text = options.lesson(this.deps.wordSet().words, settings.wordCount).join(' ');
    this.lessonAtStart = settings.mode === 'words' && options.lesson !== null;
    this.source = settings.mode === 'quote' ? quoteSource(this.text) : null;
    this.decorationAtStart = settings.mode === 'timed' || settings.mode === 'words' ? { punctuation: options.punctuation, numbers: options.numbers } : { punctuation: false, numbers: false };
    this.rulesAtStart = this.deps.rules();
    this.engine = new TypingEngine(this.text, this.rulesAtStart);
    this.settingsAtStart = null; // the clock follows the settings shown until a test starts
    this.extras = [];
    this.extraShift = 0;
    this.clock = new SessionClock();
    this.pace = new KeyPace();
    this.events = [];
    this.held.clear();
    this.preHeld.clear();
    this.chars = [...this.engine.chars];
    this.view = this.chars.map((_, i) => (i === 0 ? CURRENT_BIT : 0));
    this.pos = 0;
    this.elapsedMs = 0;
    this.live = null;
    this.slideMs = TICKER_SLIDE_MS;
    this.phase = 'ready';
  }

  /** New rules for the text shown, when no test runs; the text stays. */
  applyRules(): void {
    if (this.phase !== 'ready') return;
    this.rulesAtStart = this.deps.rules();
    this.engine = new TypingEngine(this.text, this.rulesAtStart);
  }

  /** Escape: the test stops without results; its keystrokes are still delivered. */
  abort(): void {
    this.prepare();
  }

  /** Seconds left of a timed test, or null. */
  /** The server's id of the session being typed, once created: what a watch link names. */
  currentServerId(): string | null {
    return this.session?.serverId() ?? null;
  }

  get remainingSec(): number | null {
    const settings = this.settingsAtStart ?? this.deps.settings();
    if (settings.mode !== 'timed') return null;
    return Math.max(0, Math.ceil(settings.duration - this.elapsedMs / 1000));
  }

  key(record: CapturedKey): boolean {
    if (record.type === 1) return this.up(record);
    if (!this.deps.active()) return false;
    this.focused = true;
    if (record.code !== 'CapsLock') this.capsLock = (record.flags & KeyFlags.CAPS_LOCK) !== 0;
    if (this.control(record)) return true;
    if (this.phase === 'ready') return this.maybeStart(record);
    if (this.phase === 'running') {
      this.down(record);
      return consumes(record);
    }
    return false;
  }

  composed(text: string): void {
    if (this.phase !== 'running') return;
    const before = this.engine.pos;
    this.paint(this.engine.typeText(text), before);
    flushSync();
    if (this.engine.finished) this.finish();
  }

  focusLost(): void {
    this.focused = false;
    this.held.clear();
    this.preHeld.clear();
    this.closing.finishAll();
    if (this.phase === 'finishing') this.complete();
  }

  /** Enter, Tab, Escape: page commands, not typing. */
  private control(record: CapturedKey): boolean {
    const plain = (record.flags & (KeyFlags.CTRL | KeyFlags.ALT | KeyFlags.META)) === 0;
    if (!plain) return false;
    // Tab restarts only from the typing area (the capture field has focus); Shift+Tab and
    // Tab anywhere else move the focus (KeyCapture does not pass those here).
    if (record.key === 'Tab' && (record.flags & KeyFlags.SHIFT) === 0) {
      this.prepare();
      return true;
    }
    if (record.key === 'Escape' && (this.phase === 'running' || this.phase === 'finishing')) {
      this.abort();
      return true;
    }
    if (record.key === 'Enter' && this.phase !== 'running') {
      // From the results (or a test winding down) to a new test; a waiting test stays as it is.
      if (this.phase !== 'ready') this.prepare();
      return true;
    }
    return false;
  }

  private maybeStart(record: CapturedKey): boolean {
    if (isModifierCode(record.code)) {
      this.preHeld.set(record.code, record);
      return false;
    }
    if (!startsTest(record)) return false;
    const opening = [...this.preHeld.values()].sort((a, b) => a.atMs - b.atMs);
    this.start(opening[0]?.atMs ?? record.atMs);
    for (const modifier of opening) this.down(modifier);
    this.down(record);
    return consumes(record);
  }

  private start(originMs: number): void {
    const settings = this.deps.settings();
    this.settingsAtStart = settings;
    this.clock.start(originMs);
    this.session = this.deps.delivery.begin(sessionBody(settings, this.text, this.deps.wordSet().id, this.decorationAtStart, this.lessonAtStart), this.deps.userId());
    this.phase = 'running';
    this.ticks = 0;
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  private down(record: CapturedKey): void {
    const t0 = performance.now();
    const before = this.engine.pos;
    const outcome = this.engine.keydown(record);
    this.record({ type: 0, code: record.code, key: record.key, offsetUs: this.clock.offsetUs(record.atMs), textPos: outcome.textPos, isError: outcome.isError, flags: record.flags });
    if ((record.flags & KeyFlags.REPEAT) === 0) this.held.set(record.code, outcome);
    this.paint(outcome.changed, before);
    if (outcome.isError) {
      this.errorPulse++;
      this.deps.sounds.error();
    } else if (outcome.textPos >= 0) {
      this.deps.sounds.click();
    }
    if (outcome.textPos >= 0) {
      this.pace.keydown(record.atMs);
      this.slideMs = tickerSlideMs(this.pace.intervalMs);
    }
    if (this.engine.finished) this.finish();
    flushSync();
    performance.measure('ff:keydown', { start: t0 });
    requestAnimationFrame(() => performance.measure('ff:key-to-frame', { start: record.atMs }));
  }

  private up(record: CapturedKey): boolean {
    const pressed = this.phase === 'running' || this.phase === 'finishing' ? this.held.get(record.code) : undefined;
    if (!pressed) {
      this.preHeld.delete(record.code);
      return this.closing.keyup(record);
    }
    this.held.delete(record.code);
    this.record({ type: 1, code: record.code, key: record.key, offsetUs: this.clock.offsetUs(record.atMs), textPos: pressed.textPos, isError: pressed.isError, flags: record.flags & ~KeyFlags.REPEAT });
    if (this.phase === 'finishing' && this.held.size === 0) this.complete();
    return true;
  }

  private record(event: KeyEvent): void {
    this.events.push(event);
    this.session?.add(event);
  }

  /** Repaints the characters that changed and moves the cursor mark. */
  private paint(changed: readonly number[], before: number): void {
    const { states } = this.engine;
    const after = this.engine.pos;
    for (const i of changed) {
      this.view[i] = states[i]! | (i === after ? CURRENT_BIT : 0);
      const extra = this.engine.extrasAfter(i);
      if (extra !== (this.extras[i] ?? '')) this.extras[i] = extra;
    }
    this.extraShift = this.engine.extrasBeforeCursor;
    if (before !== after) {
      if (before < states.length) this.view[before] = states[before]!;
      if (after < states.length) this.view[after] = states[after]! | CURRENT_BIT;
      this.pos = after;
    }
  }

  private keyAt(pos: number): KeyPress | null {
    const char = this.chars[pos];
    return char === undefined ? null : keyFor(char, this.deps.settings().keyboardLayout);
  }

  private tick(): void {
    this.elapsedMs = this.clock.elapsedMs(performance.now());
    const settings = this.settingsAtStart!;
    if (++this.ticks % LIVE_EVERY_TICKS === 0) this.updateLive();
    if (settings.mode === 'timed' && this.elapsedMs >= settings.duration * 1000) this.finish();
  }

  private updateLive(): void {
    const nowUs = Math.round(this.elapsedMs * 1000);
    // The whole test so far: the live speed is the one the results will show.
    this.live = liveFigures(this.events, nowUs, nowUs + 1);
  }

  /** The text is done or the time is up: wait for the keyups of keys still down. */
  private finish(): void {
    if (this.phase !== 'running') return;
    this.stopTicker();
    this.elapsedMs = this.clock.elapsedMs(performance.now());
    this.updateLive();
    this.phase = 'finishing';
    if (this.held.size === 0) this.complete();
    else this.graceTimer = setTimeout(() => this.complete(), KEYUP_GRACE_MS);
  }

  private complete(): void {
    if (this.phase !== 'finishing' || !this.session) return;
    const session = this.session;
    const settings = this.settingsAtStart!;
    this.endSession(); // keys still down: their keyups go to the closing session (endSession)
    this.result = { localId: session.localId, text: this.text, events: this.events, settings, durationMs: this.elapsedMs, session, rules: this.rulesAtStart!, decoration: this.decorationAtStart, source: this.source };
    this.phase = 'finished';
  }

  private endSession(): void {
    this.stopTicker();
    if (this.graceTimer !== null) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    if (this.session) this.closing.close(this.session, this.clock, this.held);
    this.session = null;
    this.held.clear();
  }

  private stopTicker(): void {
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
  }
}
