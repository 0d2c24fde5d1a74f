import type { Logger } from 'pino';
import type { Coordination } from '../redis/coordination';
import type { BackfillStore } from '../store/backfill-store';
import type { WaitStore } from '../store/wait-store';
import { backfillLedgerKey } from './kinds/backfill-kind';
import { waitLedgerKey } from './kinds/wait-kind';
import type { TriggerRegistry } from './trigger-registry';

/**
 * Rebuilds what Redis may have lost (DESIGN §2) and keeps everything moving without it: every
 * signal trigger, time shard, live wait and running backfill is looked at again, and the
 * name → waits index is written anew from the waits' documents. With Redis flushed, nothing is
 * lost: each key's state is in its ledger, and looking at it again finds whatever is new.
 */
export class Sweeper {
  constructor(
    private readonly registry: TriggerRegistry,
    private readonly waits: WaitStore,
    private readonly backfills: BackfillStore,
    private readonly coord: Coordination,
    private readonly log: Logger,
  ) {}

  async sweep(): Promise<void> {
    const waits = await this.waits.all();
    for (const w of waits) await this.coord.addWait(w.waitKey, w.names);
    const keys = [
      ...this.registry.allTimeShardKeys(),
      ...this.registry.allSignalKeys(),
      ...waits.map((w) => waitLedgerKey(w.waitKey)),
      ...(await this.backfills.active()).map(backfillLedgerKey),
    ];
    await this.coord.nudge(keys);
    this.log.debug({ keys: keys.length }, 'swept');
  }
}
