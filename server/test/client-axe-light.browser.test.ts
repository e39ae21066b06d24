// axe-core in a real Chromium against the real servers: no serious or critical violation
// (WCAG 2.1 A/AA and best practice, colour contrast included) on any route, in the
// paper and high-contrast themes (client-axe-*.browser.test.ts split the themes so each file stays
// well inside the runner's time per file). Screenshots of the typing page, the results and
// the analysis page in each theme go to test-artifacts/.
import { axeThemeSuite } from './support/axe-theme-suite.ts';

await axeThemeSuite(['paper', 'high-contrast']);
