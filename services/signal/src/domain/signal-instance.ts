import type { SignalParams } from './signal-values';

/** A published signal instance, as the domain sees it. */
export interface SignalInstance {
  name: string;
  seq: number;
  params: SignalParams;
  /** Epoch ms. */
  createdAt: number;
}

/** A signal instance in a decision: name, seq and encoded params (plain JSON). */
export interface SignalRefRecord {
  name: string;
  seq: number;
  params: Record<string, string>;
}

/** `<name>#<seq>`: the _id of a signal document and the way logs name an instance. */
export function signalId(name: string, seq: number): string {
  return `${name}#${seq}`;
}
