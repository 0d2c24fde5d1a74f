/** What started a run when a trigger did (the initiator the signal service passes to StartWorkflow). */
export interface TriggerInfo {
  kind: 'TIME' | 'SIGNAL' | 'BACKFILL';
  triggerId: string;
  /** TIME/BACKFILL: the fire time the run stands for (epoch ms); SIGNAL: when the trigger fired. */
  time?: number;
  /** TIME/BACKFILL: the trigger's IANA time zone. */
  timezone?: string;
  /** SIGNAL: the signal instances that fired the trigger. */
  signals?: { name: string; seq: number; params: Record<string, string | number> }[];
}
