import type { Component } from 'svelte';
import type { RouteName } from './routes.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type PageModule = { default: Component<any> };

/**
 * Every page but typing, as a dynamic import: Vite makes each a chunk loaded on first visit,
 * so the typing page's bundle stays as it was (the browser test checks its size).
 */
export const PAGE_LOADERS: Record<Exclude<RouteName, 'typing'>, () => Promise<PageModule>> = {
  login: () => import('../pages/account/LoginPage.svelte'),
  register: () => import('../pages/account/RegisterPage.svelte'),
  verify: () => import('../pages/account/VerifyPage.svelte'),
  forgot: () => import('../pages/account/ForgotPage.svelte'),
  reset: () => import('../pages/account/ResetPage.svelte'),
  settings: () => import('../pages/account/SettingsPage.svelte'),
  history: () => import('../pages/history/HistoryPage.svelte'),
  session: () => import('../pages/history/SessionPage.svelte'),
  analytics: () => import('../pages/history/AnalyticsPage.svelte'),
  glossary: () => import('../pages/history/GlossaryPage.svelte'),
  watch: () => import('../pages/WatchPage.svelte'),
  'confirm-email': () => import('../pages/account/EmailChangePage.svelte'),
  'undo-email': () => import('../pages/account/EmailChangePage.svelte'),
  'not-found': () => import('../pages/NotFoundPage.svelte'),
};
