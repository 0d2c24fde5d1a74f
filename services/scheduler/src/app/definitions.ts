import { BatonError, type DefinitionStamp } from '@baton/kit';
import {
  type AlertingConfig,
  DEFINITION_LIMITS,
  type WorkflowDef,
  alertingOf,
  parsePushRequest,
} from '@baton/model';
import type { DefinitionClient } from '@baton/sdk';
import { BatonClientError } from '@baton/sdk';

/** A definition stamp younger than this is not trusted yet (definition replicas' head cache). */
const SETTLED_MS = 1000;
/** A resolved selector is asked again at least this often, whatever the stamp says (a safety net; a cron firing every few minutes still reuses it). */
const MAX_REUSE_MS = 600_000;

export interface PinnedWorkflow {
  workflowId: string;
  version: number;
  workflow: WorkflowDef;
  /** properties.alerting as Baton acts on it (webhooks, tct, long_running), unless disabled. */
  alerting?: AlertingConfig;
  /** properties.step_concurrency (DEFINITION_LIMITS.defaultStepConcurrency when unset). */
  stepConcurrency: number;
  runStrategy: { rule: string; workflowConcurrency: number };
}

/**
 * Workflow definitions as the scheduler needs them: fetched from the definition
 * service (the scheduler never reads its collections), parsed into the model, and
 * cached by (workflow, version) — a version never changes.
 */
export class Definitions {
  private readonly cache = new Map<string, Promise<PinnedWorkflow>>();
  /** What `<workflow>|<selector>` resolved to, under which definition stamp, and when. */
  private readonly resolved = new Map<string, { stamp: string; at: number; pinned: PinnedWorkflow }>();

  constructor(
    private readonly client: DefinitionClient,
    /** Definition stamps (kit/definition-stamps); none: every resolve asks. */
    private readonly stamps?: {
      read: (workflowId: string) => Promise<DefinitionStamp | null>;
      start: (workflowId: string) => Promise<void>;
    },
  ) {}

  /**
   * Resolves a selector ("latest", "active", "default" or a number) to a pinned version. A
   * selector resolved before is reused while the workflow's definition stamp is unchanged: the
   * definition service replaces the stamp after every change and before answering, so a start
   * that follows a push (or an activation, or new properties) sees it. Not reused: a stamp younger
   * than SETTLED_MS (another definition replica may still serve its cached head for up to 250 ms),
   * an entry older than MAX_REUSE_MS, or anything when Redis does not answer.
   */
  async resolve(workflowId: string, selector: string): Promise<PinnedWorkflow> {
    if (/^[0-9]+$/.test(selector.trim())) return this.pinned(workflowId, Number(selector));
    if (!this.stamps) return this.fetch(workflowId, selector);
    // undefined: Redis did not answer; null: no stamp yet.
    const stamp = await this.stamps.read(workflowId).catch(() => undefined);
    const k = `${workflowId}|${selector}`;
    const hit = this.resolved.get(k);
    const now = Date.now();
    if (stamp && hit && hit.stamp === stamp.stamp && now - hit.at < MAX_REUSE_MS) return hit.pinned;
    const pinned = await this.fetch(workflowId, selector);
    // Only a workflow that exists gets a stamp: starts of unknown ids leave no key behind.
    if (stamp === null) await this.stamps.start(workflowId).catch(() => {});
    if (stamp && stamp.ageMs >= SETTLED_MS) {
      this.resolved.set(k, { stamp: stamp.stamp, at: now, pinned });
      if (this.resolved.size > 10_000) this.resolved.clear();
    } else this.resolved.delete(k);
    return pinned;
  }

  private async fetch(workflowId: string, selector: string): Promise<PinnedWorkflow> {
    const res = await this.call(() => this.client.getWorkflow({ workflowId, version: selector }), workflowId);
    const k = `${workflowId}@${res.workflow?.version}`;
    // A version's definition never changes: parse it once (validation is most of a start's CPU
    // on a large definition). Its properties may change, so they come from this answer.
    const known = await this.cache.get(k)?.catch(() => undefined);
    const pinned = known ? { ...known, ...this.properties(res) } : this.parse(res);
    this.cache.set(k, Promise.resolve(pinned));
    return pinned;
  }

  pinned(workflowId: string, version: number): Promise<PinnedWorkflow> {
    const k = `${workflowId}@${version}`;
    let p = this.cache.get(k);
    if (!p) {
      p = this.call(() => this.client.getWorkflow({ workflowId, version: String(version) }), workflowId).then(
        (r) => this.parse(r),
      );
      p.catch(() => this.cache.delete(k));
      this.cache.set(k, p);
    }
    return p;
  }

  private parse(res: Awaited<ReturnType<DefinitionClient['getWorkflow']>>): PinnedWorkflow {
    const wf = res.workflow!;
    const parsed = parsePushRequest(`{"workflow": ${wf.definitionJson}}`);
    if (!parsed.ok) {
      throw new BatonError('INTERNAL', `stored definition of ${wf.workflowId} v${wf.version} does not parse`);
    }
    return {
      workflowId: wf.workflowId,
      version: Number(wf.version),
      workflow: parsed.request.workflow,
      ...this.properties(res),
    };
  }

  private properties(
    res: Awaited<ReturnType<DefinitionClient['getWorkflow']>>,
  ): Pick<PinnedWorkflow, 'stepConcurrency' | 'runStrategy' | 'alerting'> {
    const props = res.properties;
    const alerting = alertingText(props?.propertiesJson);
    return {
      ...(alerting ? { alerting } : {}),
      stepConcurrency: props?.stepConcurrency || DEFINITION_LIMITS.defaultStepConcurrency,
      runStrategy: {
        rule: props?.runStrategy?.rule ?? 'SEQUENTIAL',
        workflowConcurrency: props?.runStrategy?.workflowConcurrency ?? 1,
      },
    };
  }

  /** Maps the definition service's errors onto the scheduler's (NOT_FOUND stays NOT_FOUND...). */
  private async call<T>(fn: () => Promise<T>, workflowId: string): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof BatonClientError) {
        if (err.code === 'NOT_FOUND')
          throw BatonError.notFound(err.message, err.reason ?? 'WORKFLOW_NOT_FOUND');
        if (err.code === 'INVALID_ARGUMENT') throw BatonError.invalid(err.message, err.violations);
        throw new BatonError('UNAVAILABLE', `definition service: ${err.message} (workflow ${workflowId})`);
      }
      throw err;
    }
  }
}

/** The alerting config in the merged properties JSON (undefined when none, or unreadable). */
function alertingText(json: string | undefined): AlertingConfig | undefined {
  if (!json) return undefined;
  try {
    return alertingOf(JSON.parse(json));
  } catch {
    return undefined;
  }
}
