/**
 * Svelte action for the message that replaces a submitted form ("we sent a link"): the form
 * and its focused button are gone, so without this the focus falls to <body> and the next
 * Tab starts again at the top of the page. The element needs tabindex="-1".
 */
export function takeFocus(node: HTMLElement): void {
  node.focus({ preventScroll: true });
}
