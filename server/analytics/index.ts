/**
 * The analytics module's one door: routes, the ingest wiring, binaries and tools import
 * analytics from here only (the import-rule check enforces it). Behind it: sql/ (the
 * statements, each the twin of a shared/metrics reference), queries/ (running them),
 * cache/ (the per-session summaries and their background refresh), export/ (COPY downloads).
 */
export { AnalyticsService, DEFAULT_FATIGUE_WINDOW_SEC, type SessionQuery } from './analytics-service.ts';
export { AnalyticsExports } from './export/exports.ts';
export type { ExportFormat } from './export/export-sql.ts';
export { AnalyticsRefreshQueue, type RefreshQueueOptions } from './cache/refresh-queue.ts';
export type { KeyProgressPoint } from './queries/key-progress-sql.ts';
