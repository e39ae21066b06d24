import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { flagsOf } from './key-flags.ts';
import { normaliseCode, normaliseKey, type CapturedKey } from './key-record.ts';

/** Who receives the captured keys: the practice logic. */
export interface CaptureSink {
  /** A key moved; return true when the key was consumed, so the browser default is suppressed. */
  key(record: CapturedKey): boolean;
  /** An IME composition committed this text. */
  composed(text: string): void;
  /** The page lost the keyboard (window blur, tab hidden): held keys will send no keyup we see. */
  focusLost(): void;
}

const FORM_FIELDS = new Set(['INPUT', 'SELECT', 'TEXTAREA']);
const INTERACTIVE = 'a[href], button, select, summary, dialog, [role="button"], [role="dialog"], [tabindex]';

/**
 * DOM keyboard events → plain CapturedKey records.
 *
 * Keys are read on the window, so typing works wherever the focus sits on the page (after a
 * click on a mode button, say), except in other form fields, which keep their keys. IME text
 * only exists in an editable element, so `field` (a visually hidden textarea, kept focused)
 * receives compositions; its composed text arrives with compositionend, never as key events.
 *
 * Times come from `event.timeStamp`: the performance.now() clock, but taken when the input
 * arrived, before any queueing on the main thread, so a busy frame does not shift the
 * recorded timing. Every key is recorded (Shift, Backspace, arrows, auto-repeats); what it
 * means is the sink's business.
 */
export class KeyCapture {
  private composing = false;

  constructor(
    private readonly field: HTMLTextAreaElement,
    private readonly sink: CaptureSink,
  ) {}

  attach(): () => void {
    const { field } = this;
    const onKey = (event: KeyboardEvent) => this.onKey(event);
    const onCompositionStart = () => (this.composing = true);
    const onCompositionEnd = (event: CompositionEvent) => this.onCompositionEnd(event);
    const onInput = () => {
      // Keys we consume never reach the field; what does (IME text) is read from
      // compositionend, so the field is kept empty.
      if (!this.composing) field.value = '';
    };
    const onBlur = () => this.sink.focusLost();
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') this.sink.focusLost();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKey);
    window.addEventListener('blur', onBlur);
    document.addEventListener('visibilitychange', onVisibility);
    field.addEventListener('compositionstart', onCompositionStart);
    field.addEventListener('compositionend', onCompositionEnd);
    field.addEventListener('input', onInput);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKey);
      window.removeEventListener('blur', onBlur);
      document.removeEventListener('visibilitychange', onVisibility);
      field.removeEventListener('compositionstart', onCompositionStart);
      field.removeEventListener('compositionend', onCompositionEnd);
      field.removeEventListener('input', onInput);
    };
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement | null;
    if (target && target !== this.field && FORM_FIELDS.has(target.tagName)) return;
    if (event.type === 'keydown' && this.belongsToPage(event, target)) return;
    const record: CapturedKey = {
      type: event.type === 'keydown' ? 0 : 1,
      code: normaliseCode(event.code),
      key: normaliseKey(event.key),
      atMs: event.timeStamp > 0 ? event.timeStamp : performance.now(),
      flags: flagsOf(event),
    };
    // Between compositionstart and compositionend every key belongs to the IME.
    if (this.composing) record.flags |= KeyFlags.COMPOSING;
    const consumed = this.sink.key(record);
    if (consumed && !this.composing && !event.isComposing) event.preventDefault();
  }

  /**
   * Keys the page itself needs when the typing area does not have the focus: Tab moves the
   * focus (it restarts a test only from the typing area, WCAG 2.1.1/2.1.2), and Enter, Space
   * and Escape on a focused control (a button, a link, a dialog) act on that control.
   */
  private belongsToPage(event: KeyboardEvent, target: HTMLElement | null): boolean {
    if (target === this.field) return false;
    if (event.key === 'Tab') return true;
    if (event.key !== 'Enter' && event.key !== ' ' && event.key !== 'Escape') return false;
    return target !== null && target !== document.body && target.closest(INTERACTIVE) !== null;
  }

  private onCompositionEnd(event: CompositionEvent): void {
    this.composing = false;
    this.field.value = '';
    if (event.data) this.sink.composed(event.data);
  }
}
