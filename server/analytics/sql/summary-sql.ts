import { consistencySql, ratioSql, timingJson } from './timing-sql.ts';

/**
 * The ScopeSummary in SQL, in two steps so it works for one scope or many at once (GROUP BY
 * window, or session): SCOPE_AGGREGATES over the keydowns `f` of each scope, then
 * scopeSummaryPairs over that aggregated row `a`, its duration and its speed consistency.
 * Every count filters on a column of `f`, so a LEFT JOIN's empty scope counts zero.
 */
export const SCOPE_AGGREGATES = `
  count(*) FILTER (WHERE f.in_seq) AS keystrokes,
  count(*) FILTER (WHERE f.is_char) AS character_keystrokes,
  count(*) FILTER (WHERE f.is_char AND NOT f.is_error) AS correct_keystrokes,
  count(*) FILTER (WHERE f.is_char AND f.is_error) AS error_keystrokes,
  count(*) FILTER (WHERE f.is_final AND NOT f.is_error) AS correct_characters,
  count(*) FILTER (WHERE f.is_final AND f.is_error AND NOT f.is_extra) AS incorrect_characters,
  coalesce(sum(f.missed_before), 0)::bigint AS missed_characters,
  count(*) FILTER (WHERE f.is_extra AND NOT f.extra_erased) AS extra_characters,
  count(*) FILTER (WHERE f.is_final AND f.is_error AND NOT f.is_extra) + coalesce(sum(f.missed_before), 0)::bigint
    + count(*) FILTER (WHERE f.is_extra AND NOT f.extra_erased) AS uncorrected_errors,
  count(*) FILTER (WHERE f.is_final AND NOT f.is_error AND f.first_try_error) AS corrected_errors,
  count(*) FILTER (WHERE f.is_first_try) AS positions_attempted,
  count(*) FILTER (WHERE f.is_first_try AND NOT f.is_error) AS positions_first_try_correct,
  count(*) FILTER (WHERE f.is_repeat) AS auto_repeats,
  count(*) FILTER (WHERE f.is_modifier AND NOT f.is_repeat) AS modifier_presses,
  count(*) FILTER (WHERE f.key_code = 'Backspace' AND NOT f.is_repeat) AS backspaces,
  count(*) FILTER (WHERE NOT f.is_repeat AND f.dwell_us IS NULL) AS missing_keyups,
  count(f.flight_us) AS rollover_pairs,
  count(*) FILTER (WHERE f.flight_us < 0) AS rollovers,
  (avg(-f.flight_us) FILTER (WHERE f.flight_us < 0) / 1000)::float8 AS mean_overlap_ms,
  (avg(f.dwell_us) / 1000)::float8 AS dwell_mean_ms,
  ${consistencySql('f.transition_us')} AS key_consistency,
  ${timingJson('f.dwell_us')} AS dwell,
  ${timingJson('f.flight_us')} AS flight,
  ${timingJson('f.transition_us')} AS transition`;

const COUNT_FIELDS: ReadonlyArray<[json: string, column: string]> = [
  ['keystrokes', 'keystrokes'], ['characterKeystrokes', 'character_keystrokes'], ['correctKeystrokes', 'correct_keystrokes'],
  ['errorKeystrokes', 'error_keystrokes'], ['correctCharacters', 'correct_characters'], ['uncorrectedErrors', 'uncorrected_errors'],
  ['correctedErrors', 'corrected_errors'], ['positionsAttempted', 'positions_attempted'],
  ['positionsFirstTryCorrect', 'positions_first_try_correct'], ['autoRepeats', 'auto_repeats'], ['modifierPresses', 'modifier_presses'],
  ['backspaces', 'backspaces'], ['missingKeyups', 'missing_keyups'],
  ['incorrectCharacters', 'incorrect_characters'], ['missedCharacters', 'missed_characters'], ['extraCharacters', 'extra_characters'],
];

/** speed.ts in SQL: null under two keystrokes or without time; `dur` in microseconds. */
export function speedSql(a: string, dur: string) {
  const minutes = `((${dur})::float8 / 60000000)`;
  const when = (expr: string) => `CASE WHEN (${dur}) > 0 AND ${a}.keystrokes >= 2 THEN ${expr} END`;
  const raw = `${a}.character_keystrokes::float8 / 5 / ${minutes}`;
  return {
    cpm: when(`${a}.character_keystrokes::float8 / ${minutes}`),
    rawWpm: when(raw),
    netWpm: when(`greatest(0, ${raw} - ${a}.uncorrected_errors::float8 / ${minutes})`),
    productiveWpm: when(`${a}.correct_characters::float8 / 5 / ${minutes}`),
  };
}

/** The parts of a ScopeSummary that come from counts, over an aggregated row `a`. */
export function countPartsSql(a: string, durationUs: string) {
  const speed = speedSql(a, durationUs);
  return {
    durationMs: `(${durationUs})::float8 / 1000`,
    counts: `json_build_object(${COUNT_FIELDS.map(([j, c]) => `'${j}', ${a}.${c}`).join(', ')})`,
    speed: `json_build_object('cpm', ${speed.cpm}, 'rawWpm', ${speed.rawWpm}, 'netWpm', ${speed.netWpm}, 'productiveWpm', ${speed.productiveWpm})`,
    accuracy: `json_build_object(
      'keystrokeAccuracy', ${ratioSql(`${a}.correct_keystrokes`, `${a}.character_keystrokes`)},
      'firstTryAccuracy', ${ratioSql(`${a}.positions_first_try_correct`, `${a}.positions_attempted`)},
      'uncorrectedErrorRate', ${ratioSql(`${a}.uncorrected_errors`, `(${a}.correct_characters + ${a}.uncorrected_errors)`)})`,
    rollover: `json_build_object('pairs', ${a}.rollover_pairs, 'rollovers', ${a}.rollovers,
      'ratio', ${ratioSql(`${a}.rollovers`, `${a}.rollover_pairs`)}, 'meanOverlapMs', ${a}.mean_overlap_ms)`,
  };
}

/** The key/value list of a ScopeSummary object, to splice into json_build_object(...). */
export function scopeSummaryPairs(a: string, durationUs: string, speedConsistency: string): string {
  const parts = countPartsSql(a, durationUs);
  return `
    'durationMs', ${parts.durationMs}, 'counts', ${parts.counts}, 'speed', ${parts.speed}, 'accuracy', ${parts.accuracy},
    'consistency', json_build_object('speed', ${speedConsistency}, 'keys', ${a}.key_consistency),
    'rollover', ${parts.rollover},
    'dwell', ${a}.dwell, 'flight', ${a}.flight, 'transition', ${a}.transition`;
}
