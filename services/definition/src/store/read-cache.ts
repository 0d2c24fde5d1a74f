import type { DefinitionStore } from './definition-store';
import type { Head, VersionDoc } from './documents';

export type { Head } from './documents';

export interface ReadCacheOptions {
  /**
   * How long a workflow's head (latest version, latest snapshot) is reused, in ms.
   * Writes through this replica invalidate it at once; other replicas' writes show
   * within this bound. 0 disables caching. Default 250.
   */
  headTtlMs: number;
  /** Budget for cached version documents (their definition text), in bytes. Default 64 MiB. */
  maxVersionBytes: number;
}

export const DEFAULT_READ_CACHE: ReadCacheOptions = { headTtlMs: 250, maxVersionBytes: 64 * 1024 * 1024 };

/**
 * Read-through cache for GetWorkflow. FerretDB serves ~2,300 lookups/s on this
 * machine and resolving "latest" takes several, so hot reads are served from
 * memory: version documents are immutable (cached by incarnation and number, LRU
 * by size), and the head is cached for `headTtlMs`.
 */
export class ReadCache {
  private readonly heads = new Map<string, { at: number; head: Promise<Head> }>();
  private readonly versions = new Map<string, VersionDoc>();
  private versionBytes = 0;

  constructor(
    private readonly store: DefinitionStore,
    private readonly opts: ReadCacheOptions = DEFAULT_READ_CACHE,
    private readonly now: () => number = Date.now,
  ) {}

  head(workflowId: string): Promise<Head> {
    const hit = this.heads.get(workflowId);
    if (hit && this.now() - hit.at < this.opts.headTtlMs) return hit.head;
    const head = this.store.head(workflowId);
    if (this.opts.headTtlMs > 0) {
      this.heads.set(workflowId, { at: this.now(), head });
      // A failed read must not be cached.
      head.catch(() => this.heads.delete(workflowId));
      if (this.heads.size > 100_000) this.heads.clear();
    }
    return head;
  }

  /** Forget a workflow's head after a write through this replica (read-your-writes). */
  invalidate(workflowId: string): void {
    this.heads.delete(workflowId);
  }

  async version(workflowId: string, head: Head, n: number): Promise<VersionDoc | null> {
    if (n < 1 || n > head.latestVersion) return null;
    const key = `${head.incarnation}:${workflowId}:${n}`;
    const hit = this.versions.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      this.versions.delete(key);
      this.versions.set(key, hit);
      return hit;
    }
    const doc = await this.store.getVersion(workflowId, n);
    if (doc && head.incarnation !== 0 && this.opts.headTtlMs > 0) this.remember(key, doc);
    return doc;
  }

  private remember(key: string, doc: VersionDoc): void {
    const size = doc.definition_json.length;
    if (size > this.opts.maxVersionBytes / 4) return;
    this.versions.set(key, doc);
    this.versionBytes += size;
    for (const [k, v] of this.versions) {
      if (this.versionBytes <= this.opts.maxVersionBytes) break;
      this.versions.delete(k);
      this.versionBytes -= v.definition_json.length;
    }
  }
}
