import type { TemplateService } from './template-service';
import { BatonError, pageSize, pageToken, readPageToken } from '@baton/kit';
import {
  type ExpressionChecker,
  type Properties,
  type PushRequest,
  mergeProperties,
  parsePropertiesChange,
  parsePushRequest,
  workflowIdViolations,
} from '@baton/model';
import type { Filter } from 'mongodb';
import { workflowDigest } from '../domain/digest';
import { ownerOf, sameProperties, tagNamesOf } from '../domain/properties-view';
import { triggerView } from '../domain/trigger-view';
import { type VersionSelector, parseVersionSelector } from '../domain/version-selector';
import { type DefinitionStore, RaceLostError } from '../store/definition-store';
import { DEFAULT_READ_CACHE, ReadCache, type ReadCacheOptions } from '../store/read-cache';
import { type SnapshotDoc, type VersionDoc, type WorkflowDoc, versionId } from '../store/documents';

export interface PushOutcome {
  workflowId: string;
  version: number;
  created: boolean;
  activeVersion: number;
  propertiesSnapshot: number;
  stepCount: number;
}

export interface WorkflowState {
  version: VersionDoc;
  activeVersion: number;
  snapshot: SnapshotDoc | null;
  properties: Properties;
}

export interface Page<T> {
  items: T[];
  nextPageToken: string;
}

/** A definition change for the change events stream (proto DefinitionChange). */
export interface DefinitionChangeNote {
  workflowId: string;
  action: 'PUSHED' | 'ACTIVATED' | 'DEACTIVATED' | 'PROPERTIES_UPDATED' | 'DELETED';
  version: number;
  /** Unique within the workflow: `version:<n>`, `snapshot:<n>` or `deleted:<ms>`. */
  id: string;
  time: Date;
}

/**
 * The definition service's use cases. Validation comes first and a rejected
 * request writes nothing; every write is an insert fenced by a unique `_id`.
 */
export class WorkflowService {
  private readonly cache: ReadCache;

  constructor(
    private readonly store: DefinitionStore,
    private readonly checkExpression?: ExpressionChecker,
    cacheOptions: ReadCacheOptions = DEFAULT_READ_CACHE,
    /** Told (best effort) when a workflow's triggers changed: the signal service's wake-up. */
    private readonly triggersChanged: (workflowId: string) => void = () => {},
    /** Applies job templates to pushed and validated definitions (none: definitions as given). */
    private readonly templates?: Pick<TemplateService, 'expand'>,
    /** Told (best effort) of every definition change: the change events stream. */
    private readonly announce: (change: DefinitionChangeNote) => void = () => {},
  ) {
    this.cache = new ReadCache(store, cacheOptions);
  }

  /** The definition with job templates applied; the version stores it so (templates pinned at push). */
  private async expand(definitionJson: string): Promise<string> {
    return this.templates ? this.templates.expand(definitionJson) : definitionJson;
  }

  private parse(definitionJson: string): PushRequest {
    if (definitionJson.trim() === '') {
      throw BatonError.invalid('definition_json is required', [
        { field: 'definition_json', description: 'is required' },
      ]);
    }
    const result = parsePushRequest(definitionJson, { checkExpression: this.checkExpression });
    if (!result.ok) {
      const n = result.violations.length;
      throw BatonError.invalid(
        `the workflow definition has ${n} problem${n === 1 ? '' : 's'}`,
        result.violations,
      );
    }
    return result.request;
  }

  async validate(definitionJson: string): Promise<Omit<PushOutcome, 'activeVersion' | 'propertiesSnapshot'>> {
    const request = this.parse(await this.expand(definitionJson));
    const workflowId = request.workflow.id;
    const latest = await this.store.latestVersion(workflowId, false);
    const same = latest !== null && latest.digest === workflowDigest(request.workflow);
    return {
      workflowId,
      version: same ? latest.version : (latest?.version ?? 0) + 1,
      created: !same,
      stepCount: request.stepCount,
    };
  }

  async push(definitionJson: string, user: string): Promise<PushOutcome> {
    const request = this.parse(await this.expand(definitionJson));
    const workflowId = request.workflow.id;
    const now = new Date();
    const digest = workflowDigest(request.workflow);
    const { doc: version, created } = await this.raceGuard(() =>
      this.store.insertVersionUnlessSame(workflowId, digest, (n) => ({
        _id: versionId(workflowId, n),
        workflow_id: workflowId,
        version: n,
        digest,
        name: request.workflow.name ?? workflowId,
        description: request.workflow.description ?? '',
        definition_json: JSON.stringify(request.source.workflow),
        step_count: request.stepCount,
        created_at: now,
        created_by: user,
      })),
    );
    // Maestro activates a pushed version unless is_active is false.
    const activate = request.isActive ?? true;
    const {
      doc: snapshot,
      appended,
      previous: before,
    } = await this.raceGuard(() =>
      this.store.appendSnapshot(workflowId, (latest) => {
        const previous = latest ? (JSON.parse(latest.properties_json) as Properties) : undefined;
        const properties = request.properties
          ? mergeProperties(previous, request.properties)
          : (previous ?? {});
        const active = activate ? version.version : (latest?.active_version ?? 0);
        if (latest && sameProperties(previous, properties) && active === latest.active_version)
          return undefined;
        return {
          properties_json: JSON.stringify(properties),
          active_version: active,
          change: 'push',
          updated_at: now,
          updated_by: user,
        };
      }),
    );
    await this.refresh(workflowId, version, snapshot, now);
    if (created)
      this.announce({
        workflowId,
        action: 'PUSHED',
        version: version.version,
        id: `version:${version.version}`,
        time: now,
      });
    if (appended && snapshot)
      this.announce({
        workflowId,
        action:
          snapshot.active_version !== (before?.active_version ?? 0) ? 'ACTIVATED' : 'PROPERTIES_UPDATED',
        version: snapshot.active_version,
        id: `snapshot:${snapshot.snapshot}`,
        time: now,
      });
    return {
      workflowId,
      version: version.version,
      created,
      activeVersion: snapshot?.active_version ?? 0,
      propertiesSnapshot: snapshot?.snapshot ?? 0,
      stepCount: version.step_count,
    };
  }

  async get(workflowId: string, selectorText: string): Promise<WorkflowState> {
    this.checkId(workflowId);
    const selector = parseVersionSelector(selectorText);
    const head = await this.cache.head(workflowId);
    if (head.latestVersion === 0) throw this.notFound(workflowId);
    const snapshot = head.snapshot;
    const activeVersion = snapshot?.active_version ?? 0;
    const wanted =
      selector.kind === 'number'
        ? selector.version
        : selector.kind === 'latest' || (selector.kind === 'default' && activeVersion === 0)
          ? head.latestVersion
          : activeVersion;
    if (wanted === 0)
      throw BatonError.notFound(`workflow ${workflowId} has no active version`, 'NO_ACTIVE_VERSION');
    const version = await this.cache.version(workflowId, head, wanted);
    if (!version) {
      throw BatonError.notFound(
        `workflow ${workflowId} has no version ${wanted} (latest is ${head.latestVersion})`,
        'VERSION_NOT_FOUND',
      );
    }
    return {
      version,
      activeVersion,
      snapshot,
      properties: snapshot ? JSON.parse(snapshot.properties_json) : {},
    };
  }

  async listWorkflows(q: {
    pageSize: number;
    pageToken: string;
    owner: string;
    tag: string;
    idPrefix: string;
  }): Promise<Page<WorkflowDoc>> {
    const size = pageSize(q.pageSize);
    const after = readPageToken<string>(q.pageToken);
    const filter: Filter<WorkflowDoc> = {};
    if (q.owner) filter.owner = q.owner;
    if (q.tag) filter.tags = q.tag;
    const idRange: { $gt?: string; $gte?: string; $lt?: string } = {};
    if (q.idPrefix) {
      idRange.$gte = q.idPrefix;
      idRange.$lt = `${q.idPrefix}\uffff`;
    }
    if (after !== undefined) {
      if (typeof after !== 'string')
        throw BatonError.invalid('invalid page token', [
          { field: 'page_token', description: 'is not a token this service issued' },
        ]);
      idRange.$gt = after;
    }
    if (Object.keys(idRange).length > 0) filter._id = idRange;
    const docs = await this.store.workflows
      .find(filter)
      .sort({ _id: 1 })
      .limit(size + 1)
      .toArray();
    const more = docs.length > size;
    const items = docs.slice(0, size);
    return { items, nextPageToken: more ? pageToken(items[items.length - 1]._id) : '' };
  }

  async listVersions(
    workflowId: string,
    size: number,
    token: string,
  ): Promise<Page<VersionDoc> & { activeVersion: number }> {
    this.checkId(workflowId);
    const limit = pageSize(size);
    const before = readPageToken<number>(token);
    if (before !== undefined && typeof before !== 'number') {
      throw BatonError.invalid('invalid page token', [
        { field: 'page_token', description: 'is not a token this service issued' },
      ]);
    }
    const [latest, snapshot] = await Promise.all([
      this.store.latestVersionNumber(workflowId),
      this.store.latestSnapshot(workflowId),
    ]);
    if (latest === 0) throw this.notFound(workflowId);
    const from = Math.min(latest, (before ?? latest + 1) - 1);
    const docs = await this.store.versionRange(workflowId, from, from - limit);
    const more = docs.length > limit;
    const items = docs.slice(0, limit);
    return {
      items,
      activeVersion: snapshot?.active_version ?? 0,
      nextPageToken: more ? pageToken(items[items.length - 1].version) : '',
    };
  }

  async activate(workflowId: string, selectorText: string, user: string) {
    this.checkId(workflowId);
    if (selectorText.trim() === '') {
      throw BatonError.invalid('version is required', [
        { field: 'version', description: 'is required ("latest" or a number)' },
      ]);
    }
    const selector = parseVersionSelector(selectorText, 'version', ['latest']);
    const version = await this.resolve(workflowId, selector);
    const now = new Date();
    const { doc, previous, appended } = await this.raceGuard(() =>
      this.store.appendSnapshot(workflowId, (latest) =>
        latest?.active_version === version.version
          ? undefined
          : {
              properties_json: latest?.properties_json ?? '{}',
              active_version: version.version,
              change: 'activate',
              updated_at: now,
              updated_by: user,
            },
      ),
    );
    if (appended) {
      await this.refresh(workflowId, undefined, doc, now);
      this.announce({
        workflowId,
        action: 'ACTIVATED',
        version: version.version,
        id: `snapshot:${doc!.snapshot}`,
        time: now,
      });
    }
    return {
      activeVersion: version.version,
      previousActiveVersion: previous?.active_version ?? 0,
      changed: appended,
    };
  }

  async deactivate(workflowId: string, user: string) {
    await this.requireWorkflow(workflowId);
    const now = new Date();
    const { doc, previous, appended } = await this.raceGuard(() =>
      this.store.appendSnapshot(workflowId, (latest) =>
        !latest || latest.active_version === 0
          ? undefined
          : {
              properties_json: latest.properties_json,
              active_version: 0,
              change: 'deactivate',
              updated_at: now,
              updated_by: user,
            },
      ),
    );
    if (appended) {
      await this.refresh(workflowId, undefined, doc, now);
      this.announce({
        workflowId,
        action: 'DEACTIVATED',
        version: 0,
        id: `snapshot:${doc!.snapshot}`,
        time: now,
      });
    }
    return { previousActiveVersion: previous?.active_version ?? 0, changed: appended };
  }

  async updateProperties(workflowId: string, propertiesJson: string, user: string): Promise<SnapshotDoc> {
    this.checkId(workflowId);
    if (propertiesJson.trim() === '') {
      throw BatonError.invalid('properties_json is required', [
        { field: 'properties_json', description: 'is required' },
      ]);
    }
    const change = parsePropertiesChange(propertiesJson);
    if (!change.ok) {
      const n = change.violations.length;
      throw BatonError.invalid(
        `the properties change has ${n} problem${n === 1 ? '' : 's'}`,
        change.violations,
      );
    }
    await this.requireWorkflow(workflowId);
    const now = new Date();
    const { doc, appended } = await this.raceGuard(() =>
      this.store.appendSnapshot(workflowId, (latest) => {
        const previous = latest ? (JSON.parse(latest.properties_json) as Properties) : undefined;
        const merged = mergeProperties(previous, change.properties);
        if (latest && sameProperties(previous, merged)) return undefined;
        return {
          properties_json: JSON.stringify(merged),
          active_version: latest?.active_version ?? 0,
          change: 'properties',
          updated_at: now,
          updated_by: user,
        };
      }),
    );
    await this.refresh(workflowId, undefined, doc, now);
    if (appended)
      this.announce({
        workflowId,
        action: 'PROPERTIES_UPDATED',
        version: doc!.active_version,
        id: `snapshot:${doc!.snapshot}`,
        time: now,
      });
    return doc!;
  }

  async delete(workflowId: string): Promise<number> {
    await this.requireWorkflow(workflowId);
    try {
      return await this.store.deleteWorkflow(workflowId);
    } finally {
      this.cache.invalidate(workflowId);
      this.triggersChanged(workflowId);
      const now = new Date();
      this.announce({ workflowId, action: 'DELETED', version: 0, id: `deleted:${now.getTime()}`, time: now });
    }
  }

  private async refresh(
    workflowId: string,
    version: VersionDoc | undefined,
    snapshot: SnapshotDoc | null,
    now: Date,
  ) {
    this.cache.invalidate(workflowId);
    const latest = await this.store.latestVersion(workflowId, false);
    const current = latest && version && latest.version < version.version ? version : (latest ?? version);
    if (!current) return;
    const properties = snapshot ? (JSON.parse(snapshot.properties_json) as Properties) : undefined;
    const active = snapshot?.active_version ?? 0;
    const activeDoc =
      active === 0
        ? null
        : version?.version === active
          ? version
          : await this.store.getVersion(workflowId, active);
    const triggers = triggerView(active, activeDoc?.definition_json ?? '', properties);
    const previous = await this.store.summary(workflowId);
    const changed = previous?.trigger_digest !== triggers.trigger_digest;
    await this.store.refreshSummary(workflowId, {
      snapshot: snapshot?.snapshot ?? 0,
      name: current.name,
      owner: ownerOf(properties),
      tags: tagNamesOf(properties),
      latest_version: current.version,
      updated_at: now,
      ...triggers,
      ...(changed || !previous?.triggers_changed_at ? { triggers_changed_at: now } : {}),
    });
    if (changed) this.triggersChanged(workflowId);
  }

  /**
   * Workflows with triggers (the signal service's full view), or — with `changedSince` — every
   * workflow whose triggers changed at or after it, deactivated ones included.
   */
  async listTriggers(q: {
    pageSize: number;
    pageToken: string;
    changedSince?: Date;
  }): Promise<Page<WorkflowDoc>> {
    const size = pageSize(q.pageSize);
    const after = readPageToken<string>(q.pageToken);
    if (after !== undefined && typeof after !== 'string')
      throw BatonError.invalid('invalid page token', [
        { field: 'page_token', description: 'is not a token this service issued' },
      ]);
    const filter: Filter<WorkflowDoc> = q.changedSince
      ? { triggers_changed_at: { $gte: q.changedSince } }
      : { has_triggers: true };
    if (after !== undefined) filter._id = { $gt: after };
    const docs = await this.store.workflows
      .find(filter)
      .sort({ _id: 1 })
      .limit(size + 1)
      .toArray();
    const more = docs.length > size;
    const items = docs.slice(0, size);
    return { items, nextPageToken: more ? pageToken(items[items.length - 1]._id) : '' };
  }

  /** The version an activation names: a number, or "latest" (read fresh, not from the cache). */
  private async resolve(workflowId: string, selector: VersionSelector): Promise<VersionDoc> {
    if (selector.kind !== 'number') {
      const latest = await this.store.latestVersion(workflowId);
      if (!latest) throw this.notFound(workflowId);
      return latest;
    }
    const doc = await this.store.getVersion(workflowId, selector.version);
    if (doc) return doc;
    const latest = await this.store.latestVersion(workflowId, false);
    if (!latest) throw this.notFound(workflowId);
    throw BatonError.notFound(
      `workflow ${workflowId} has no version ${selector.version} (latest is ${latest.version})`,
      'VERSION_NOT_FOUND',
    );
  }

  private async requireWorkflow(workflowId: string): Promise<VersionDoc> {
    this.checkId(workflowId);
    const latest = await this.store.latestVersion(workflowId, false);
    if (!latest) throw this.notFound(workflowId);
    return latest;
  }

  private checkId(workflowId: string): void {
    const violations = workflowIdViolations(workflowId);
    if (violations.length > 0)
      throw BatonError.invalid(`invalid workflow_id ${JSON.stringify(workflowId)}`, violations);
  }

  private notFound(workflowId: string): BatonError {
    return BatonError.notFound(`workflow ${workflowId} not found`, 'WORKFLOW_NOT_FOUND');
  }

  private async raceGuard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof RaceLostError) throw new BatonError('ABORTED', `${err.message}; retry the request`);
      throw err;
    }
  }
}
