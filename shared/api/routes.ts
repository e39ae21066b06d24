import { z } from 'zod';
import * as analytics from './analytics.ts';
import * as auth from './auth.ts';
import * as loadtest from './loadtest.ts';
import * as sessions from './sessions.ts';
import * as settings from './settings.ts';
import * as system from './system.ts';
import * as transfer from './transfer.ts';
import * as wordSets from './word-sets.ts';

/**
 * Every route of API.md (`/api` and `/auth`), as data: what it takes and what it answers.
 * The sidecar validates with these schemas; the conformance suite calls each route of this
 * table on a running sidecar and holds API.md's route tables to it, both ways.
 */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** With `:name` parameters, as the router has it. */
  path: string;
  /** Who may call: see API.md's Conventions. */
  auth: 'public' | 'user' | 'account' | 'owner' | 'loadtest' | 'cookie';
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body of a success; absent when there is none (204, a redirect) or it is not JSON. */
  response?: z.ZodType;
  /** What a success is: json (the response schema), csv, none (204) or a redirect. */
  answer: 'json' | 'csv' | 'none' | 'redirect';
  /** Every status the route documents; errors come with the body of shared/api/errors.ts. */
  statuses: readonly number[];
}

/** What any route may answer besides its own: over a limit, a bug, the database away. */
export const ANY_ROUTE_STATUSES = [429, 500, 503] as const;
const ANY = ANY_ROUTE_STATUSES;
// A route that reads a body: not JSON (400), too large, not application/json.
const BODY = [400, 413, 415] as const;
const SIGNED_IN = [401] as const;

type Method = RouteSpec['method'];
type Extra = Partial<Pick<RouteSpec, 'query' | 'body' | 'response' | 'answer'>>;

function route(method: Method, path: string, authz: RouteSpec['auth'], statuses: number[], extra: Extra = {}): RouteSpec {
  const all = new Set<number>([...statuses, ...ANY]);
  if (extra.body) BODY.forEach((s) => all.add(s));
  if (authz !== 'public' && authz !== 'loadtest' && authz !== 'cookie') SIGNED_IN.forEach((s) => all.add(s));
  return { method, path, auth: authz, answer: extra.answer ?? (extra.response ? 'json' : 'none'), ...extra, statuses: [...all].sort((a, b) => a - b) };
}

const noQuery = analytics.noQuery;
const exportRoutes = (['csv', 'json'] as const).flatMap((format) => {
  const rows = <T extends z.ZodType>(row: T) => (format === 'json' ? { response: z.array(row), answer: 'json' as const } : { answer: 'csv' as const });
  return [
    route('GET', `/api/export/sessions.${format}`, 'user', [200, 400], { query: noQuery, ...rows(transfer.exportedSession) }),
    route('GET', `/api/export/events.${format}`, 'user', [200, 400], { query: noQuery, ...rows(transfer.exportedSessionEvent) }),
    route('GET', `/api/export/sessions/:id/events.${format}`, 'owner', [200, 400, 404], { query: noQuery, ...rows(transfer.exportedSessionEvent) }),
  ];
});

export const API_ROUTES: readonly RouteSpec[] = [
  // Public
  route('GET', '/api/config', 'public', [200], { response: system.publicConfig }),
  route('POST', '/api/anonymous', 'public', [201], { response: auth.signInAnswer }),
  route('POST', '/api/system/logs', 'public', [202, 400], { body: system.logBody, response: system.logAnswer }),
  // Sessions
  route('POST', '/api/sessions', 'user', [201, 400], { body: sessions.createSessionBody, response: sessions.sessionCreated }),
  route('GET', '/api/sessions', 'user', [200, 400], { query: sessions.listSessionsQuery, response: sessions.sessionPage }),
  route('GET', '/api/sessions/:id', 'owner', [200, 400, 404], { response: sessions.sessionAnswer }),
  route('POST', '/api/sessions/:id/ticket', 'owner', [200, 400, 404, 409], { response: sessions.ingestTicket }),
  route('POST', '/api/sessions/:id/watch-ticket', 'owner', [200, 400, 404, 409], { response: sessions.ingestTicket }),
  route('POST', '/api/sessions/:id/end', 'owner', [200, 400, 404], { response: sessions.sessionAnswer }),
  route('DELETE', '/api/sessions/:id', 'owner', [204, 400, 404]),
  route('POST', '/api/sessions/claim', 'account', [200, 400, 403, 404], { body: sessions.claimBody, response: sessions.claimAnswer }),
  // Word sets
  route('GET', '/api/word-sets', 'user', [200], { response: wordSets.wordSetList }),
  route('GET', '/api/word-sets/:id', 'user', [200, 400, 404], { response: wordSets.wordSetAnswer }),
  route('POST', '/api/word-sets', 'account', [201, 400, 403, 409], { body: wordSets.createWordSetInput, response: wordSets.wordSetAnswer }),
  route('PATCH', '/api/word-sets/:id', 'owner', [200, 400, 403, 404, 409], { body: wordSets.updateWordSetInput, response: wordSets.wordSetAnswer }),
  route('DELETE', '/api/word-sets/:id', 'owner', [204, 400, 403, 404]),
  // Settings
  route('GET', '/api/settings', 'user', [200], { response: settings.settingsAnswer }),
  route('PATCH', '/api/settings', 'user', [200, 400], { body: settings.settingsPatch, response: settings.settingsAnswer }),
  // Analytics
  route('GET', '/api/sessions/:id/analytics', 'owner', [200, 400, 404], { query: analytics.sessionAnalyticsQuery, response: analytics.sessionAnalyticsAnswer }),
  route('GET', '/api/analytics', 'user', [200, 400], { query: analytics.rangeQuery, response: analytics.rangeAnalyticsAnswer }),
  route('GET', '/api/analytics/trend', 'user', [200, 400], { query: analytics.historyQuery, response: analytics.trendAnswer }),
  route('GET', '/api/analytics/keys', 'user', [200, 400], { query: analytics.keyModelQuery, response: analytics.keyModelAnswer }),
  route('GET', '/api/analytics/keys/:letter', 'user', [200, 400], { query: noQuery, response: analytics.keyProgressAnswer }),
  route('GET', '/api/analytics/bests', 'user', [200, 400], { query: analytics.historyQuery, response: analytics.bestsAnswer }),
  // Export and import
  ...exportRoutes,
  route('POST', '/api/import', 'user', [200, 201, 400], { body: transfer.importChunkBody, response: transfer.importChunkAnswer }),
  route('POST', '/api/import/files', 'user', [200, 400, 422], { body: transfer.importFilesBody, response: transfer.importFilesAnswer }),
  // Load tests (404 unless LOADTEST_TOKEN is set)
  route('POST', '/api/loadtest/sessions', 'loadtest', [201, 400, 403, 404], { body: loadtest.loadtestSessionsBody, response: loadtest.loadtestSessionsAnswer }),
  route('POST', '/api/loadtest/tickets', 'loadtest', [200, 400, 403, 404], { body: loadtest.loadtestTicketsBody, response: loadtest.loadtestTicketsAnswer }),
  route('POST', '/api/loadtest/verify', 'loadtest', [200, 400, 403, 404], { body: loadtest.loadtestVerifyBody, response: loadtest.loadtestVerifyAnswer }),
  route('POST', '/api/loadtest/cleanup', 'loadtest', [200, 400, 403, 404], { body: loadtest.loadtestCleanupBody, response: loadtest.loadtestCleanupAnswer }),
  route('GET', '/api/loadtest/info', 'loadtest', [200, 403, 404], { response: loadtest.loadtestInfoAnswer }),
];

export const AUTH_ROUTES: readonly RouteSpec[] = [
  // Signing in and out (cookie: the refresh cookie and X-CSRF-Token)
  route('POST', '/auth/login', 'public', [200, 400, 401, 403, 423], { body: auth.loginBody, response: auth.loginAnswer }),
  route('POST', '/auth/login/2fa', 'public', [200, 400, 401, 423], { body: auth.loginSecondStepBody, response: auth.signInAnswer }),
  route('POST', '/auth/refresh', 'cookie', [200, 204, 401, 403], { response: auth.tokenAnswer }),
  route('POST', '/auth/logout', 'cookie', [204, 403]),
  route('POST', '/auth/logout-all', 'user', [204]),
  route('GET', '/auth/devices', 'user', [200], { response: auth.devicesAnswer }),
  route('DELETE', '/auth/devices/:id', 'user', [204, 400, 404]),
  route('GET', '/auth/google/start', 'public', [302, 501], { answer: 'redirect' }),
  route('GET', '/auth/google/callback', 'public', [302, 501], { answer: 'redirect' }),
  // Accounts
  route('POST', '/auth/register', 'public', [202, 400], { body: auth.registerBody, response: auth.registerAnswer }),
  route('POST', '/auth/verify', 'public', [200, 400], { body: auth.linkTokenBody, response: auth.verifiedAnswer }),
  route('POST', '/auth/resend-verification', 'public', [202, 400], { body: auth.emailBody, response: auth.messageAnswer }),
  route('POST', '/auth/forgot-password', 'public', [202, 400], { body: auth.emailBody, response: auth.messageAnswer }),
  route('POST', '/auth/reset-password', 'public', [200, 400], { body: auth.resetPasswordBody, response: auth.resetAnswer }),
  route('GET', '/auth/me', 'user', [200], { response: auth.userAnswer }),
  route('PATCH', '/auth/me', 'user', [200, 400, 403], { body: auth.profilePatch, response: auth.userAnswer }),
  route('POST', '/auth/change-password', 'account', [200, 400, 403, 423], { body: auth.changePasswordBody, response: auth.passwordChangedAnswer }),
  route('POST', '/auth/email-change', 'account', [202, 400, 403, 423], { body: auth.emailChangeBody, response: auth.emailChangePendingAnswer }),
  route('POST', '/auth/email-change/confirm', 'public', [200, 400, 409], { body: auth.linkTokenBody, response: auth.emailChangedAnswer }),
  route('POST', '/auth/email-change/undo', 'public', [200, 400, 409], { body: auth.linkTokenBody, response: auth.emailRestoredAnswer }),
  route('POST', '/auth/2fa/setup', 'account', [200, 400, 403, 409, 423], { body: auth.passwordBody, response: auth.twoFactorSetupAnswer }),
  route('POST', '/auth/2fa/enable', 'account', [200, 400, 403, 409, 423], { body: auth.codeAndPasswordBody, response: auth.twoFactorEnabledAnswer }),
  route('POST', '/auth/2fa/backup-codes', 'account', [200, 400, 403, 409, 423], { body: auth.codeAndPasswordBody, response: auth.backupCodesAnswer }),
  route('POST', '/auth/2fa/disable', 'account', [200, 400, 403, 409, 423], { body: auth.passwordAndCodeBody, response: auth.twoFactorDisabledAnswer }),
  route('POST', '/auth/google/link', 'user', [200, 400, 403, 423, 501], { body: auth.googleLinkBody, response: auth.authorizationUrlAnswer }),
];

export const ROUTES: readonly RouteSpec[] = [...API_ROUTES, ...AUTH_ROUTES];

/** The entry for a method and a router path (`/api/sessions/:id`). */
export function routeSpec(method: Method, path: string): RouteSpec {
  const found = ROUTES.find((r) => r.method === method && r.path === path);
  if (!found) throw new Error(`no route ${method} ${path} in shared/api/routes.ts`);
  return found;
}
