import { untrack } from 'svelte';

/**
 * A form's error goes away as soon as the typist edits a field it is about: an old
 * "wrong code" must not stay on screen next to a corrected one. Call during component
 * set-up; `fields` reads the fields (tracked), `clear` resets the error. The first run,
 * at mount, clears nothing, so an error the page starts with (from the URL) is shown.
 */
export function clearOnEdit(fields: () => unknown, clear: () => void): void {
  let mounted = false;
  $effect(() => {
    fields();
    if (!mounted) {
      mounted = true;
      return;
    }
    untrack(clear);
  });
}
