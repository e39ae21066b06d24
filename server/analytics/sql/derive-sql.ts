import { MODIFIER_CODES } from '../../../shared/metrics/key-classes.ts';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';

/**
 * The SQL twin of shared/metrics/derive.ts: one row per keydown with its dwell, flight,
 * transition, text-position marks, expected character, letter and digraph, worked out over
 * whole sessions with window functions. Both the session statement and the cache rebuild
 * start from it. Every rule is METRICS.md's; the property tests compare the result with the
 * TypeScript reference on random streams.
 *
 * The order of a session's events is (offset_us, batch_seq, batch_idx) everywhere.
 */

const quote = (s: string) => `'${s.replaceAll("'", "''")}'`;
const MODIFIERS = MODIFIER_CODES.map(quote).join(', ');
const STREAM_ORDER = 'offset_us, batch_seq, batch_idx';
// "Every later event" as a frame that grows from the partition's start, in reverse order:
// PostgreSQL recomputes min() over a frame whose start moves (1 FOLLOWING ... UNBOUNDED
// FOLLOWING) for every row, quadratic in the session's events (43 s at 20,000); a frame that
// starts at UNBOUNDED PRECEDING is aggregated once, row by row. The order is total, so the
// reverse order's preceding rows are exactly the forward order's following ones.
const STREAM_ORDER_DESC = 'offset_us DESC, batch_seq DESC, batch_idx DESC';
// The flag bits as numbers in the SQL text, taken from the one definition (key-event.ts), as
// key-classes.ts uses them: a shortcut is Ctrl or Meta without Alt.
const { REPEAT, COMPOSING, ALT } = KeyFlags;
const SHORTCUT = KeyFlags.CTRL | KeyFlags.META;

/** `hand` of a finger id, as FINGERS in fingers.ts (and the `fingers` table). */
export const handOfFingerSql = (finger: string) =>
  `CASE WHEN ${finger} BETWEEN 0 AND 4 THEN 'left' WHEN ${finger} BETWEEN 5 AND 9 THEN 'right' ELSE 'none' END`;

/** ASCII-only lowercasing, collation-proof: lower() would fold more under another locale. */
const asciiLetterSql = (x: string) =>
  `CASE WHEN ${x} COLLATE "C" BETWEEN 'a' AND 'z' THEN ${x}
        WHEN ${x} COLLATE "C" BETWEEN 'A' AND 'Z' THEN translate(${x}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') END`;

/**
 * CTEs ending in `facts`, for the sessions selected by `sessionIds`: given a column of
 * session ids, the SQL condition on it (`(id) => \`${id} = $1\``).
 */
export function deriveFactsCtes(sessionIds: (column: string) => string): string {
  return `
  ev AS (
    SELECT k.session_id, k.batch_seq, k.batch_idx, k.offset_us, k.event_type, k.key_code, k.key_value, k.text_pos, k.finger, k.is_error, k.flags,
           (k.event_type = 0 AND (k.flags & ${REPEAT}) <> 0) AS is_repeat
    FROM keystrokes k WHERE ${sessionIds('k.session_id')}
  ),
  -- A keydown's keyup is the next event of the same key when that is a keyup; another
  -- keydown first means the keyup never came. Auto-repeats sit in their own partition.
  paired AS (
    SELECT ev.*, CASE WHEN NOT ev.is_repeat AND lead(ev.event_type) OVER w = 1 THEN lead(ev.offset_us) OVER w END AS up_us
    FROM ev WINDOW w AS (PARTITION BY ev.session_id, ev.key_code, ev.is_repeat ORDER BY ${STREAM_ORDER})
  ),
  downs AS (
    SELECT t.*, NOT t.is_repeat AND t.types_char AS is_char FROM (
      SELECT p.session_id, p.batch_seq, p.batch_idx, p.offset_us, p.key_code, p.key_value, p.finger, p.text_pos, p.is_error, p.is_repeat, p.up_us,
             p.key_code IN (${MODIFIERS}) AS is_modifier,
             -- types a character, auto-repeat or not (key-classes.ts)
             (p.key_code NOT IN (${MODIFIERS}) AND (p.flags & ${COMPOSING}) = 0 AND char_length(p.key_value) = 1
               AND ((p.flags & ${SHORTCUT}) = 0 OR (p.flags & ${ALT}) <> 0)) AS types_char
      FROM paired p WHERE p.event_type = 0) t
  ),
  -- MATERIALIZED: inlined, char_length() of the (TOASTed) practice text would be worked out
  -- again for every keystroke where len is read, decompressing and walking the whole text.
  text_len AS MATERIALIZED (
    SELECT s.id AS session_id, char_length(s.practice_text) AS len FROM typing_sessions s WHERE ${sessionIds('s.id')}
  ),
  -- derive.ts markExtras: extra letters sit past the text's end + 1, one slot each; a later
  -- Backspace at a slot from the end + 1 up to the letter's erases it.
  -- derive.ts markMissed: gap = unaddressed positions up to a keydown's position; a space
  -- counts the growth of the gap since the keydowns before it.
  worded AS (
    SELECT d.*, tl.len AS text_len,
           d.is_char AND d.text_pos > tl.len AS is_extra,
           coalesce(d.is_char AND d.text_pos > tl.len AND d.text_pos >= min(CASE WHEN d.key_code = 'Backspace' AND d.text_pos > tl.len THEN d.text_pos END)
             OVER (PARTITION BY d.session_id ORDER BY ${STREAM_ORDER_DESC} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS extra_erased,
           d.types_char AND d.text_pos BETWEEN 0 AND tl.len AS addressing
    FROM downs d JOIN text_len tl ON tl.session_id = d.session_id
  ),
  gapped AS (
    SELECT w.*, CASE WHEN w.addressing THEN w.text_pos + 1 - dense_rank() OVER (PARTITION BY w.session_id, w.addressing ORDER BY w.text_pos) END AS gap
    FROM worded w
  ),
  missed AS (
    SELECT g.*, CASE WHEN g.addressing AND g.key_value = ' '
                     THEN greatest(0, g.gap - coalesce(max(g.gap) OVER (PARTITION BY g.session_id, g.addressing ORDER BY ${STREAM_ORDER}
                                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))
                     ELSE 0 END AS missed_before
    FROM gapped g
  ),
  -- The practice text split into code points, joined by position: substr() on a TOASTed
  -- 20,000-character text would decompress and walk it for every keystroke.
  text_chars AS (
    SELECT s.id AS session_id, (c.pos - 1)::int AS text_pos, c.ch
    FROM typing_sessions s, unnest(string_to_array(s.practice_text, NULL)) WITH ORDINALITY AS c(ch, pos)
    WHERE ${sessionIds('s.id')}
  ),
  lettered AS (
    SELECT d.*, t.ch AS expected,
           CASE WHEN d.is_char THEN ${asciiLetterSql('coalesce(t.ch, d.key_value)')} END AS letter
    FROM missed d LEFT JOIN text_chars t ON d.is_char AND t.session_id = d.session_id AND t.text_pos = d.text_pos
  ),
  marked AS (
    SELECT l.*, NOT l.is_repeat AND NOT l.is_modifier AS in_seq,
           coalesce(l.is_char AND l.text_pos >= 0 AND row_number() OVER w = 1, false) AS is_first_try,
           coalesce(l.is_char AND l.text_pos >= 0 AND first_value(l.is_error) OVER w, false) AS first_try_error,
           (l.is_char AND (l.text_pos < 0 OR lead(true) OVER w IS NULL)) AS is_final
    FROM lettered l WINDOW w AS (PARTITION BY l.session_id, l.is_char AND l.text_pos >= 0, l.text_pos ORDER BY ${STREAM_ORDER})
  ),
  linked AS (
    SELECT m.*, lag(m.offset_us) OVER w AS prev_down_us, lag(m.up_us) OVER w AS prev_up_us,
           lag(m.letter) OVER w AS prev_letter, lag(m.finger) OVER w AS prev_finger
    FROM marked m WINDOW w AS (PARTITION BY m.session_id, m.in_seq ORDER BY ${STREAM_ORDER})
  ),
  facts AS (
    SELECT l.session_id, l.batch_seq, l.batch_idx, l.offset_us, l.key_code, l.key_value, l.finger, ${handOfFingerSql('l.finger')} AS hand,
           l.text_pos, l.is_error, l.is_repeat, l.is_modifier, l.in_seq, l.is_char, l.up_us, l.up_us - l.offset_us AS dwell_us,
           CASE WHEN l.in_seq THEN l.offset_us - l.prev_down_us END AS transition_us,
           CASE WHEN l.in_seq THEN l.offset_us - l.prev_up_us END AS flight_us,
           l.is_first_try, l.first_try_error, coalesce(l.is_final, false) AS is_final, l.is_extra, l.extra_erased, l.missed_before, l.addressing, CASE WHEN l.is_char THEN l.expected END AS expected, l.letter,
           CASE WHEN l.in_seq AND l.letter IS NOT NULL AND l.prev_letter IS NOT NULL THEN l.prev_letter || l.letter END AS digraph,
           CASE WHEN NOT (l.in_seq AND l.letter IS NOT NULL AND l.prev_letter IS NOT NULL) THEN NULL
                WHEN ${handOfFingerSql('l.prev_finger')} = 'none' OR ${handOfFingerSql('l.finger')} = 'none' THEN 'unknown'
                WHEN l.prev_finger = l.finger THEN 'same_finger'
                WHEN ${handOfFingerSql('l.prev_finger')} = ${handOfFingerSql('l.finger')} THEN 'same_hand'
                ELSE 'cross_hand' END AS pair_class
    FROM linked l
  )`;
}
