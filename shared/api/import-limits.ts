/**
 * What one import (POST /api/import/files) may carry. The whole import is one transaction,
 * so it travels as one request: these limits keep that request, and the memory it takes
 * to check, bounded. The page states them before an upload and refuses larger files itself.
 */
export const IMPORT_MAX_BYTES = 32 * 1024 * 1024;
/** ~160 bytes an event in the JSON export: 32 MB holds about 200,000 events. */
export const IMPORT_MAX_EVENTS = 250_000;
export const IMPORT_MAX_SESSIONS = 20_000;
