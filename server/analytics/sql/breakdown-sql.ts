import { ratioSql, timingJson } from './timing-sql.ts';

/**
 * The Breakdown (per key, finger, hand, letter pair, and the confusion table) in SQL, as
 * scalar subqueries over a relation of keydowns named `f`. Each yields a JSON array (empty,
 * never null), matching shared/metrics/groups.ts, digraphs.ts and confusion.ts.
 */

const GROUP_PAIRS = `
  'presses', count(*),
  'characterKeystrokes', count(*) FILTER (WHERE f.is_char),
  'errors', count(*) FILTER (WHERE f.is_char AND f.is_error),
  'errorRate', ${ratioSql('count(*) FILTER (WHERE f.is_char AND f.is_error)', 'count(*) FILTER (WHERE f.is_char)')},
  'dwell', ${timingJson('f.dwell_us')},
  'flight', ${timingJson('f.flight_us')},
  'transition', ${timingJson('f.transition_us')}`;

// GROUPING(key_code, finger, hand) is a bit mask of the columns NOT grouped on.
const BY_KEY = 3;
const BY_FINGER = 5;

/** Keys, fingers and hands in one pass (grouping sets), auto-repeats left out. */
export const GROUPS_SQL = `
  SELECT GROUPING(f.key_code, f.finger, f.hand) AS grouping,
    CASE GROUPING(f.key_code, f.finger, f.hand)
      WHEN ${BY_KEY} THEN json_build_object('code', f.key_code, 'finger', min(f.finger), ${GROUP_PAIRS})
      WHEN ${BY_FINGER} THEN json_build_object('finger', f.finger,
        'name', coalesce((SELECT fi.name FROM fingers fi WHERE fi.id = f.finger), 'unknown'), 'hand', min(f.hand), ${GROUP_PAIRS})
      ELSE json_build_object('hand', f.hand, ${GROUP_PAIRS}) END AS figures
  FROM f WHERE NOT f.is_repeat
  GROUP BY GROUPING SETS ((f.key_code), (f.finger), (f.hand))`;

export const groupsJson = (groups: string) => ({
  keys: `(SELECT coalesce(json_agg(g.figures), '[]') FROM ${groups} g WHERE g.grouping = ${BY_KEY})`,
  fingers: `(SELECT coalesce(json_agg(g.figures), '[]') FROM ${groups} g WHERE g.grouping = ${BY_FINGER})`,
  hands: `(SELECT coalesce(json_agg(g.figures), '[]') FROM ${groups} g WHERE g.grouping NOT IN (${BY_KEY}, ${BY_FINGER}))`,
});

const PAIR_PAIRS = `
  'count', count(*),
  'errors', count(*) FILTER (WHERE f.is_error),
  'errorRate', ${ratioSql('count(*) FILTER (WHERE f.is_error)', 'count(*)')},
  'transition', ${timingJson('f.transition_us')}`;

/** Letter pairs and their classes in one pass. */
export const DIGRAPHS_SQL = `
  SELECT GROUPING(f.digraph, f.pair_class) AS grouping,
    CASE GROUPING(f.digraph, f.pair_class)
      WHEN 1 THEN json_build_object('pair', f.digraph,
        'class', mode() WITHIN GROUP (ORDER BY f.pair_class COLLATE "C"), ${PAIR_PAIRS})
      ELSE json_build_object('class', f.pair_class, ${PAIR_PAIRS}) END AS figures
  FROM f WHERE f.digraph IS NOT NULL
  GROUP BY GROUPING SETS ((f.digraph), (f.pair_class))`;

export const digraphsJson = (digraphs: string) => ({
  digraphs: `(SELECT coalesce(json_agg(d.figures), '[]') FROM ${digraphs} d WHERE d.grouping = 1)`,
  digraphClasses: `(SELECT coalesce(json_agg(d.figures), '[]') FROM ${digraphs} d WHERE d.grouping = 2)`,
});

export const CONFUSION_JSON = `(
  SELECT coalesce(json_agg(json_build_object('expected', c.expected, 'typed', c.typed, 'count', c.n) ORDER BY c.n DESC, c.expected, c.typed), '[]')
  FROM (SELECT f.expected, f.key_value AS typed, count(*) AS n FROM f
        WHERE f.is_char AND f.is_error AND f.expected IS NOT NULL GROUP BY f.expected, f.key_value) c)`;
