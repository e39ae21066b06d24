// Plain numbers of the analytics API, kept apart from its zod schemas so the page can load
// them without zod.

/** The fastest target speed the key model (GET /api/analytics/keys) is computed for. */
export const MAX_TARGET_WPM = 300;
