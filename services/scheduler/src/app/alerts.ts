import { type AlertingConfig, tctDeadline } from '@baton/model';
import type { ChangeEvent } from '@baton/proto';
import type { Logger } from 'pino';
import type { Coordination } from '../redis/coordination';
import type { AlertDoc, AlertStore } from '../store/alert-store';
import type { DecisionDoc, RunHead } from '../store/documents';
import type { Definitions } from './definitions';

export type AlertType = 'STEP_FAILURE' | 'LONG_RUNNING' | 'TCT_VIOLATION';

/** One alert, as the webhook body (JSON) carries it. */
export interface AlertBody {
  id: string;
  type: AlertType;
  workflow_id: string;
  instance_id: number;
  run_id: number;
  /** The run's key (a foreach iteration's or a subworkflow's own). */
  key: string;
  step_id?: string;
  attempt?: number;
  status?: string;
  message: string;
  /** ISO time: the bound passed (LONG_RUNNING, TCT_VIOLATION). */
  deadline?: string;
  time: string;
}

/** Step statuses that end a step as failed (its retries spent): a STEP_FAILURE alert. */
const FAILED = new Set([
  'USER_FAILED',
  'PLATFORM_FAILED',
  'FATALLY_FAILED',
  'INTERNALLY_FAILED',
  'TIMED_OUT',
]);

/** Ids raised by this replica, remembered so a sweep does not ask the store again each time. */
const REMEMBERED = 50_000;

/**
 * Alerts of a workflow's `properties.alerting` (webhooks, tct, long_running): a step that failed
 * (seen in a decision's timeline), a step attempt running past `long_running` and a run not ended
 * by its `tct` (both seen by the sweeper). Each is raised once by its id: published on the change
 * events stream, then stored in `alerts` — the outbox AlertDelivery POSTs from. Publishing first
 * means a crash in between publishes it again (at least once, same id) rather than never.
 */
export class Alerts {
  private readonly raised = new Set<string>();

  constructor(
    private readonly store: AlertStore,
    private readonly defs: Definitions,
    private readonly coord: Coordination,
    private readonly log: Logger,
    private readonly onRaised: () => void = () => {},
  ) {}

  /** STEP_FAILURE alerts for the steps this decision failed (nothing to do, and no I/O, when none). */
  async fromDecision(head: RunHead, doc: Pick<DecisionDoc, 'timeline'>): Promise<void> {
    const failed = doc.timeline.filter((t) => t.stepId !== undefined && FAILED.has(t.status));
    if (failed.length === 0) return;
    const cfg = await this.config(head);
    if (!cfg) return;
    const now = Date.now();
    await this.raise(
      cfg,
      failed.map((t) =>
        bodyOf(head, `${head._id}:${t.stepId}:${t.attempt ?? 0}:STEP_FAILURE`, 'STEP_FAILURE', now, {
          step_id: t.stepId!,
          attempt: t.attempt ?? 0,
          status: t.status,
          message: `step ${t.stepId} ${t.status}${t.message ? `: ${t.message}` : ''}`,
        }),
      ),
    );
  }

  /** LONG_RUNNING and TCT_VIOLATION alerts of live runs (the sweeper's heads). */
  async sweep(heads: readonly RunHead[], now = Date.now()): Promise<number> {
    let n = 0;
    for (const head of heads) {
      const cfg = await this.config(head).catch(() => undefined);
      if (!cfg) continue;
      const out: AlertBody[] = [];
      if (cfg.tct && head.run.kind === 'workflow') {
        const deadline = tctDeadline(cfg.tct, head.created_at);
        if (now > deadline) {
          out.push(
            bodyOf(head, `${head._id}:TCT_VIOLATION`, 'TCT_VIOLATION', now, {
              message: `run ${head._id} has not ended by ${new Date(deadline).toISOString()} (${head.status})`,
              deadline: new Date(deadline).toISOString(),
            }),
          );
        }
      }
      if (cfg.longRunningMs !== undefined) {
        for (const f of head.inflight) {
          const deadline = f.since + cfg.longRunningMs;
          if (now <= deadline) continue;
          out.push(
            bodyOf(head, `${f.key}:LONG_RUNNING`, 'LONG_RUNNING', now, {
              step_id: f.step,
              attempt: f.attempt,
              message: `step ${f.step} attempt ${f.attempt} has run ${Math.round((now - f.since) / 1000)} s, past ${cfg.longRunningMs / 1000} s`,
              deadline: new Date(deadline).toISOString(),
            }),
          );
        }
      }
      n += await this.raise(cfg, out);
    }
    return n;
  }

  private async config(head: RunHead): Promise<AlertingConfig | undefined> {
    const run = head.run;
    const [id, version] =
      run.kind === 'workflow' ? [head.workflow_id, head.workflow_version] : [run.workflowId, run.version];
    return (await this.defs.pinned(id, version)).alerting;
  }

  /** Raises the alerts not raised before; returns how many were new. */
  private async raise(cfg: AlertingConfig, alerts: AlertBody[]): Promise<number> {
    const fresh = alerts.filter((a) => !this.raised.has(a.id));
    if (fresh.length === 0) return 0;
    const known = await this.store.existing(fresh.map((a) => a.id));
    const news = fresh.filter((a) => !known.has(a.id));
    for (const a of fresh) this.remember(a.id);
    if (news.length === 0) return 0;
    await this.coord.publishChanges(news.map(changeOf));
    const now = Date.now();
    await this.store.insert(
      news.map(
        (a): AlertDoc => ({
          _id: a.id,
          key: a.key,
          body: JSON.stringify(a),
          urls: cfg.webhooks,
          pending: cfg.webhooks.map((_u, i) => i),
          tries: 0,
          next_at: now,
          created_at: now,
          ...(cfg.webhooks.length === 0 ? { done_at: now } : {}),
        }),
      ),
    );
    this.log.info({ alerts: news.map((a) => a.id) }, 'alerts raised');
    if (cfg.webhooks.length > 0) this.onRaised();
    return news.length;
  }

  private remember(id: string): void {
    if (this.raised.size >= REMEMBERED) this.raised.clear();
    this.raised.add(id);
  }
}

function bodyOf(
  head: RunHead,
  id: string,
  type: AlertType,
  now: number,
  rest: Pick<AlertBody, 'message'> & Partial<AlertBody>,
): AlertBody {
  return {
    id,
    type,
    workflow_id: head._id.split(':')[0]!,
    instance_id: head.instance_id,
    run_id: head.run_id,
    key: head._id,
    ...rest,
    time: new Date(now).toISOString(),
  };
}

function changeOf(a: AlertBody): ChangeEvent {
  return {
    id: a.id,
    streamId: '',
    time: new Date(a.time),
    change: {
      $case: 'alert',
      value: {
        type: a.type,
        ref: { workflowId: a.workflow_id, instanceId: String(a.instance_id), runId: String(a.run_id) },
        key: a.key,
        stepId: a.step_id ?? '',
        attempt: a.attempt ?? 0,
        status: a.status ?? '',
        message: a.message,
        deadline: a.deadline ? new Date(a.deadline) : undefined,
      },
    },
  };
}
