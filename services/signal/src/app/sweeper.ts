import type { Logger } from 'pino';
import type { Coordination } from '../redis/coordination';
import type { BackfillStore } from '../store/backfill-store';
import type { SignalStore } from '../store/signal-store';
import type { WaitStore } from '../store/wait-store';
import { backfillLedgerKey } from './kinds/backfill-kind';
import { waitLedgerKey } from './kinds/wait-kind';
import type { TriggerRegistry } from './trigger-registry';

/** Every this many sweeps, every signal trigger is looked at, whether its signals moved or not. */
const FULL_EVERY = 10;

/**
 * Rebuilds what Redis may have lost (docs/architecture.md, Stores) and keeps everything moving without it: time
 * shards, live waits and running backfills are looked at again each sweep, and the name → waits
 * index is written anew from the waits' documents. A signal trigger is looked at when one of its
 * names has instances past what the previous sweep saw (a lost wake-up), and all of them on the
 * first sweep and every tenth. With Redis flushed, nothing is lost: each key's state is in its
 * ledger, and looking at it again finds whatever is new.
 */
export class Sweeper {
  private sweeps = 0;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly registry: TriggerRegistry,
    private readonly waits: WaitStore,
    private readonly backfills: BackfillStore,
    private readonly signals: SignalStore,
    private readonly coord: Coordination,
    private readonly log: Logger,
  ) {}

  async sweep(): Promise<void> {
    const full = this.sweeps++ % FULL_EVERY === 0;
    const waits = await this.waits.all();
    for (const w of waits) await this.coord.addWait(w.waitKey, w.names);
    const keys = [
      ...this.registry.allTimeShardKeys(),
      ...(full ? this.registry.allSignalKeys() : await this.movedSignalKeys()),
      ...waits.map((w) => waitLedgerKey(w.waitKey)),
      ...(await this.backfills.active()).map(backfillLedgerKey),
    ];
    if (full)
      for (const name of this.registry.signalNames()) this.seen.set(name, await this.signals.latest(name));
    await this.coord.nudge(keys);
    this.log.debug({ keys: keys.length, full }, 'swept');
  }

  /** Signal triggers one of whose names has instances the previous sweep did not see. */
  private async movedSignalKeys(): Promise<string[]> {
    const keys: string[] = [];
    for (const name of this.registry.signalNames()) {
      const latest = await this.signals.latest(name);
      if (latest !== this.seen.get(name)) keys.push(...this.registry.signalKeysFor(name));
      this.seen.set(name, latest);
    }
    return keys;
  }
}
