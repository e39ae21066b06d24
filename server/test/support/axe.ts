import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from './processes.ts';

const AXE_SOURCE = fs.readFileSync(path.join(REPO_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Waits for the page's finite CSS transitions and animations to end. axe reads colours as
 * they are at that instant: a key caught halfway through its 80 ms fade to a finger colour
 * has text and background both grey, a contrast no typist ever reads but axe reports (a busy
 * machine makes that instant likely). Infinite ones (the caret's blink) never end and are
 * left alone; new transitions a finished one sets off are waited for too, a bounded number of rounds.
 */
async function transitionsSettled(page: Page): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const running = await page.evaluate(async () => {
      const finite = document.getAnimations().filter((a) => a.playState === 'running' && a.effect?.getComputedTiming().endTime !== Infinity);
      await Promise.allSettled(finite.map((a) => a.finished));
      return finite.length;
    });
    if (running === 0) return;
  }
}

/**
 * axe-core run in the page (its source evaluated through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern) against WCAG 2.1 A/AA and best practice;
 * answers the serious and critical violations.
 */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  await transitionsSettled(page);
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}
