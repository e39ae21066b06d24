/** Controls whose click (or change) is a setting, after which the typist types on. */
const SETTING = 'button, input[type="checkbox"], input[type="radio"], input[type="range"], select';
/** Where the focus must stay: an opener's field or dialog takes it, a text field is typed into. */
const KEEPS_FOCUS = '[data-keeps-focus], dialog, input[type="text"], input[type="number"], textarea';

/**
 * Svelte action for the bars around the typing area: after a setting is changed with the
 * pointer, the keyboard goes back to the typing area (`focus`). Otherwise the clicked button
 * keeps the focus and the typist's next Space presses it again (a space lost from the text, a
 * setting flipped and saved), and a select keeps taking letters as type-ahead.
 *
 * Only pointer use moves the focus: a keyboard user who reaches a control by Tab keeps it
 * there, as arrow keys in a select fire `change` at every step.
 */
export function keysReturn(node: HTMLElement, focus: () => void): { update(next: () => void): void; destroy(): void } {
  let returnTo = focus;
  let byPointer = false;
  const onPointerDown = () => (byPointer = true);
  const onKeyDown = () => (byPointer = false);
  const settled = (event: Event) => {
    const target = event.target as HTMLElement | null;
    const control = target?.closest(SETTING);
    if (!byPointer || !control || !node.contains(control) || control.closest(KEEPS_FOCUS)) return;
    // A click on a select opens its list: the choice arrives later, as `change`.
    if (event.type === 'click' && control.tagName === 'SELECT') return;
    // After the control's own handlers, which may re-render the bar.
    queueMicrotask(() => returnTo());
  };
  node.addEventListener('pointerdown', onPointerDown);
  node.addEventListener('keydown', onKeyDown);
  node.addEventListener('click', settled);
  node.addEventListener('change', settled);
  return {
    update(next) {
      returnTo = next;
    },
    destroy() {
      node.removeEventListener('pointerdown', onPointerDown);
      node.removeEventListener('keydown', onKeyDown);
      node.removeEventListener('click', settled);
      node.removeEventListener('change', settled);
    },
  };
}
