/** A wait as people read it in a refusal: seconds below a minute and a half, else minutes. */
export function waitText(seconds: number): string {
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}
