import path from 'node:path';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { Theme } from '../../../shared/practice/options.ts';
import { seriousViolations, type AxeFinding } from './axe.ts';
import { typeStrokes } from './browser-typist.ts';
import { ARTIFACTS } from './client-stack.ts';

/** Every page of the client; the session and watch pages on a session of the typist. */
const routes = (sessionId: string) => [
  '/', '/login', '/register', '/verify?token=x', '/forgot', '/reset?token=x', '/history', `/sessions/${sessionId}`,
  '/analytics', '/settings', `/watch/${sessionId}`, '/no-such-page',
];

/** The page's chunk loaded and its first requests answered (the live socket never idles: bounded). */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.textContent?.includes('loading…'), undefined, { timeout: 10_000 }).catch(() => undefined);
  await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => undefined);
}

/**
 * axe-core over every route in each theme given, and the typing page's other states (learn
 * mode, a quote, the results of a test), with screenshots of the typing page, the results
 * and the analysis page per theme. Answers every serious or critical violation found.
 */
export async function axeSweep(page: Page, origin: string, themes: readonly Theme[], latestSessionId: () => Promise<string>): Promise<string[]> {
  const found: string[] = [];
  const record = (where: string, violations: AxeFinding[]) => {
    for (const v of violations) found.push(`${where}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(' | ')}`);
  };
  for (const theme of themes) {
    await page.goto(origin);
    await page.getByTestId('theme').selectOption(theme);
    // A test first: its results are checked, and it gives the session and watch pages a session.
    const text = `keys and focus in ${theme}`;
    await page.getByTestId('mode-custom').click();
    await page.getByTestId('custom-text').fill(text);
    await page.getByTestId('custom-apply').click();
    await page.getByTestId('capture').focus();
    await typeStrokes(page, Array.from(text), 90, 21);
    await page.waitForSelector('[data-testid="results"][data-source="server"]', { timeout: 20_000 });
    record(`${theme} results`, await seriousViolations(page));
    await page.screenshot({ path: path.join(ARTIFACTS, `results-${theme}.png`), fullPage: true });
    for (const route of routes(await latestSessionId())) {
      await page.goto(`${origin}${route}`);
      await settle(page);
      assert.is(await page.evaluate(() => document.documentElement.dataset.theme), theme);
      record(`${theme} ${route}`, await seriousViolations(page));
      if (route === '/analytics') await page.screenshot({ path: path.join(ARTIFACTS, `analytics-${theme}.png`), fullPage: true });
      if (route !== '/') continue;
      await page.screenshot({ path: path.join(ARTIFACTS, `typing-${theme}.png`) });
      // The typing page's other states: learn mode with its letters, a quote with its source.
      await page.getByTestId('mode-learn').click();
      await page.getByTestId('learn-bar').waitFor();
      record(`${theme} / learn`, await seriousViolations(page));
      await page.screenshot({ path: path.join(ARTIFACTS, `typing-learn-${theme}.png`) });
      await page.getByTestId('mode-quote').click();
      await page.getByTestId('quote-source').waitFor();
      record(`${theme} / quote`, await seriousViolations(page));
    }
  }
  return found;
}
