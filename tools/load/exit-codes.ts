/** The load tool's exit codes (docs/LOAD-TESTING.md): CI tells a slow run from a broken one. */
export const EXIT = {
  /** Every threshold held and every acknowledged event was stored exactly once. */
  OK: 0,
  /** Events lost or duplicated, or a threshold failed. */
  FAILED: 1,
  /** Bad options, or the run could not start (server unreachable, token refused). */
  USAGE: 2,
  /** The run happened but what was stored could not be counted: neither pass nor loss. */
  NOT_VERIFIED: 3,
} as const;

export function exitCodeFor(result: { acked: number; lost: number | null; duplicates: number | null; thresholds: Array<{ ok: boolean }> }): number {
  // A run in which nothing got through has lost nothing, and still failed.
  if (result.acked === 0) return EXIT.FAILED;
  if ((result.lost ?? 0) > 0 || (result.duplicates ?? 0) > 0) return EXIT.FAILED;
  if (result.thresholds.some((t) => !t.ok)) return EXIT.FAILED;
  if (result.lost === null || result.duplicates === null) return EXIT.NOT_VERIFIED;
  return EXIT.OK;
}
