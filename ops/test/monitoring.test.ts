// ops/monitoring: the example alert rules and Grafana dashboard read only metrics the code
// registers, and DEPLOY.md's metrics table lists exactly FingerFlow's own metrics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { metricCatalogue, metricsInExpression, SYNTHETIC_METRICS } from './metric-catalogue.ts';
import { REPO_ROOT, run } from './support.ts';
import { systemTool, toolPath } from '../../server/test/support/system-tools.ts';

const ALERTS = path.join(REPO_ROOT, 'ops/monitoring/alerts.yml');
const DASHBOARD = path.join(REPO_ROOT, 'ops/monitoring/grafana-dashboard.json');
const catalogue = await metricCatalogue();
const known = new Set([...catalogue.flatMap((f) => f.series), ...SYNTHETIC_METRICS]);
const own = catalogue.filter((f) => /^(ingest|http|db_pool)_/.test(f.name)).map((f) => f.name);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

test('the expression parser finds metric names and nothing else', () => {
  assert.equal(metricsInExpression('histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket{route!~"/metrics|/health"}[5m]))) > 1'), ['http_request_duration_seconds_bucket']);
  assert.equal(metricsInExpression('sum(rate(a_total{status=~"5.."}[5m])) / sum(rate(b_total[5m])) > 0.02 and on(instance) up == 1'), ['a_total', 'b_total', 'up']);
});

test('alerts.yml: well-formed rules, each on metrics that exist', async () => {
  const doc = YAML.parse(fs.readFileSync(ALERTS, 'utf8')) as { groups: Array<{ name: string; rules: Rule[] }> };
  const rules = doc.groups.flatMap((g) => g.rules);
  assert.ok(rules.length >= 8, `${rules.length} rules`);
  const used = new Set<string>();
  for (const rule of rules) {
    assert.match(rule.alert, /^FingerFlow[A-Z]\w+$/);
    assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert}: for`);
    assert.ok(['warning', 'critical'].includes(rule.labels?.severity ?? ''), `${rule.alert}: severity`);
    assert.ok((rule.annotations?.summary ?? '').length > 10, `${rule.alert}: summary`);
    const names = metricsInExpression(rule.expr);
    assert.ok(names.length > 0, `${rule.alert}: no metric in ${rule.expr}`);
    for (const name of names) {
      assert.ok(known.has(name), `${rule.alert} reads ${name}, which nothing registers`);
      used.add(name);
    }
  }
  // The failures an operator must hear about are covered.
  for (const needed of ['ingest_database_available', 'ingest_flush_failures_total', 'http_requests_total', 'db_pool_waiting_requests', 'ingest_analytics_pending']) assert.ok(used.has(needed), `no alert on ${needed}`);
});

const promtool = systemTool('promtool', [], 'apt-get install -y prometheus');
promtool.test('promtool check rules accepts alerts.yml', async () => {
  const result = await run(toolPath(promtool), ['check', 'rules', ALERTS]);
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /SUCCESS: \d+ rules found/);
});

test('grafana-dashboard.json: every panel queries metrics that exist', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { uid: string; panels: Array<{ title: string; targets: Array<{ expr: string }> }> };
  assert.is(dashboard.uid, 'fingerflow-overview');
  assert.ok(dashboard.panels.length >= 10);
  const used = new Set<string>();
  for (const panel of dashboard.panels) {
    assert.ok(panel.title.length > 3);
    for (const target of panel.targets) {
      for (const name of metricsInExpression(target.expr)) {
        assert.ok(known.has(name), `panel "${panel.title}" reads ${name}, which nothing registers`);
        used.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
    }
  }
  const unused = own.filter((name) => !used.has(name) && !['ingest_frames_total', 'ingest_acks_total', 'ingest_errors_total', 'ingest_upgrades_refused_total', 'ingest_flushes_total', 'ingest_flush_rows'].includes(name));
  assert.equal(unused, [], `metrics with no panel: ${unused.join(', ')}`);
});

test("DEPLOY.md's metrics table lists exactly FingerFlow's own metrics, with their types", () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'DEPLOY.md'), 'utf8');
  const section = /### Prometheus metrics\n([\s\S]*?)\n## /.exec(doc)?.[1] ?? '';
  const rows = [...section.matchAll(/^\| `([a-z_]+)` \| (counter|gauge|histogram)\b/gm)].map((m) => ({ name: m[1]!, type: m[2]! }));
  const documented = rows.map((r) => r.name);
  assert.equal([...documented].sort(), [...own].sort(), 'DEPLOY.md metrics table vs the code');
  for (const row of rows) assert.is(row.type, catalogue.find((f) => f.name === row.name)!.type, `${row.name}'s type`);
});

test.run();
