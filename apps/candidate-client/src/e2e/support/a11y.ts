import axe from 'axe-core';
import type { Page } from 'playwright-core';

/**
 * WCAG 2 A/AA checks by axe-core on the page as it stands: colour contrast measured on
 * the rendered pixels' colours, names, roles and labels. The engine's source is injected
 * into the page (the renderer never ships it).
 */
export interface A11yViolation {
  id: string;
  help: string;
  nodes: { target: string; summary: string }[];
}

const OPTIONS = Object.freeze({
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
  // Part of wcag2aa already; named so that no future tag change drops it silently.
  rules: { 'color-contrast': { enabled: true } },
  resultTypes: ['violations'],
});

/** Runs axe in the page's main frame and returns what fails, nodes by CSS selector. */
export async function a11yViolations(page: Page): Promise<A11yViolation[]> {
  // Strings, not functions: the test build's helpers must not leak into the page.
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axe.source);
  const results = (await page.evaluate(`window.axe.run(document, ${JSON.stringify(OPTIONS)})`)) as {
    violations: axe.Result[];
  };
  return results.violations.map((v) => ({
    id: v.id,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target.join(' >> '), summary: n.failureSummary ?? '' })),
  }));
}

/** One line per failing node, for an assertion's message. */
export function describeViolations(violations: readonly A11yViolation[]): string {
  return violations
    .flatMap((v) =>
      v.nodes.map((n) => `[${v.id}] ${n.target}: ${n.summary.replaceAll('\n', ' ').trim() || v.help}`),
    )
    .join('\n');
}
