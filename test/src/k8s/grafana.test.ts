// k8s/grafana/baton-dashboard.json parses, and every metric its queries name is one the
// services export (the list below is the contract with their Prometheus endpoints), used as
// its type allows: a histogram through _bucket/_sum/_count, a counter or gauge by its name,
// grouped only by labels it has.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from '@jest/globals';
import { root } from './render';

type Kind = 'histogram' | 'counter' | 'gauge';
const METRICS: Record<string, { kind: Kind; labels: string[] }> = {
  baton_step_attempt_duration_seconds: { kind: 'histogram', labels: ['step_type', 'outcome'] },
  baton_decision_duration_seconds: { kind: 'histogram', labels: [] },
  baton_queue_depth: { kind: 'gauge', labels: ['pool'] },
  baton_queue_oldest_age_seconds: { kind: 'gauge', labels: ['pool'] },
  baton_lock_wait_seconds: { kind: 'histogram', labels: ['lock'] },
  baton_runs_started_total: { kind: 'counter', labels: ['initiator'] },
  baton_runs_ended_total: { kind: 'counter', labels: ['status'] },
  baton_signals_published_total: { kind: 'counter', labels: [] },
  baton_triggers_fired_total: { kind: 'counter', labels: ['kind'] },
};
/** Labels every scrape carries (Prometheus Operator's target labels) besides each metric's own. */
const TARGET_LABELS = ['service', 'namespace', 'job', 'pod', 'instance', 'container', 'endpoint'];

const FUNCTIONS = new Set([
  'abs',
  'absent',
  'avg',
  'avg_over_time',
  'ceil',
  'clamp_min',
  'clamp_max',
  'count',
  'count_over_time',
  'delta',
  'deriv',
  'floor',
  'histogram_quantile',
  'idelta',
  'increase',
  'irate',
  'label_replace',
  'max',
  'max_over_time',
  'min',
  'min_over_time',
  'quantile',
  'rate',
  'round',
  'scalar',
  'sort',
  'sort_desc',
  'sum',
  'sum_over_time',
  'topk',
  'bottomk',
  'time',
  'vector',
]);
const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'and',
  'or',
  'unless',
]);

interface Use {
  metric: string;
  suffix: string;
}

/** The series a PromQL expression reads, and the labels it groups by. */
function parse(expr: string): { uses: Use[]; groupBy: string[] } {
  const groupBy: string[] = [];
  let e = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\$\{?\w+\}?/g, '')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  e = e.replace(
    /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g,
    (_m, kw, labels: string) => {
      if (kw === 'by')
        groupBy.push(
          ...labels
            .split(',')
            .map((l) => l.trim())
            .filter(Boolean),
        );
      return ' ';
    },
  );
  const uses: Use[] = [];
  for (const m of e.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)) {
    const [, word, call] = m;
    if (call) {
      assert.ok(FUNCTIONS.has(word), `unknown function ${word} in ${expr}`);
      continue;
    }
    if (KEYWORDS.has(word)) continue;
    const hist = /^(.*)_(bucket|sum|count)$/.exec(word);
    if (hist && METRICS[hist[1]]?.kind === 'histogram') uses.push({ metric: hist[1], suffix: hist[2] });
    else uses.push({ metric: word, suffix: '' });
  }
  return { uses, groupBy };
}

// biome-ignore lint/suspicious/noExplicitAny: a Grafana dashboard is checked field by field.
type Json = any;
const dashboard: Json = JSON.parse(
  readFileSync(join(root, 'k8s', 'grafana', 'baton-dashboard.json'), 'utf8'),
);

function allPanels(panels: Json[]): Json[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every query of the dashboard: panel targets and templating variables. */
function queries(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  for (const p of allPanels(dashboard.panels)) {
    for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  }
  for (const v of dashboard.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : v.query.query;
    // label_values(metric, label) reads that metric.
    const lv = /^label_values\(\s*([^,)]+)\s*,\s*(\w+)\s*\)$/.exec(q);
    out.push({ where: `variable ${v.name}`, expr: lv ? `sum by (${lv[2]}) (${lv[1]})` : q });
  }
  return out;
}

describe('k8s/grafana/baton-dashboard.json', () => {
  test('is a dashboard with a Prometheus data source variable and panels that query it', () => {
    assert.equal(typeof dashboard.title, 'string');
    assert.ok(dashboard.uid);
    const ds = dashboard.templating.list.find((v: Json) => v.type === 'datasource');
    assert.equal(ds?.query, 'prometheus');
    const panels = allPanels(dashboard.panels).filter((p) => p.type !== 'row');
    assert.ok(panels.length >= 9);
    const ids = allPanels(dashboard.panels).map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const p of panels) {
      assert.ok(p.targets?.length, `panel "${p.title}" has queries`);
      assert.equal(p.datasource?.uid, `\${${ds.name}}`, `panel "${p.title}" uses the data source variable`);
      assert.ok(p.gridPos && p.gridPos.w > 0 && p.gridPos.h > 0, `panel "${p.title}" has a place`);
    }
  });

  test('every metric a query names is one the services export, used as its type allows', () => {
    const seen = new Set<string>();
    for (const { where, expr } of queries()) {
      assert.equal(typeof expr, 'string', where);
      const { uses, groupBy } = parse(expr);
      assert.ok(uses.length > 0, `${where} reads no metric: ${expr}`);
      for (const { metric, suffix } of uses) {
        const m = METRICS[metric];
        assert.ok(m, `${where}: ${metric} is not a Baton metric (${expr})`);
        if (m.kind === 'histogram')
          assert.ok(suffix, `${where}: histogram ${metric} needs _bucket, _sum or _count`);
        seen.add(metric);
      }
      const known = new Set([...TARGET_LABELS, ...uses.flatMap((u) => METRICS[u.metric].labels)]);
      if (uses.some((u) => u.suffix === 'bucket')) known.add('le');
      for (const label of groupBy) assert.ok(known.has(label), `${where}: no label ${label} on ${expr}`);
    }
    assert.deepEqual([...seen].sort(), Object.keys(METRICS).sort(), 'every exported metric has a panel');
  });

  test('the metric check is not vacuous', () => {
    assert.throws(() => {
      for (const u of parse('sum(rate(baton_steps_total[5m]))').uses) assert.ok(METRICS[u.metric], u.metric);
    });
    assert.equal(parse('rate(baton_decision_duration_seconds_bucket{le="1"}[5m])').uses[0].suffix, 'bucket');
    assert.deepEqual(parse('sum by (le, step_type) (rate(x_bucket[1m]))').groupBy, ['le', 'step_type']);
    assert.throws(() => parse('made_up_fn(baton_queue_depth)'), /unknown function/);
  });
});
