import { type BatonClientError, type ServiceName, neverSent } from '@baton/sdk';
import type { CommandContext } from './command-context';
import { unreachableError } from './unreachable';

const SERVICES: Record<string, [ServiceName, string]> = {
  DefinitionService: ['definition', 'definition'],
  SchedulerService: ['scheduler', 'scheduler'],
  StepRuntimeService: ['stepRuntime', 'step-runtime'],
  SignalService: ['signal', 'signal'],
};

/**
 * What to check when a service could not be reached or does not have the method
 * yet: these are the two failures where the fix is on the caller's side.
 */
export function serviceHint(err: BatonClientError, ctx: CommandContext): string | undefined {
  const service = /^\/baton\.v1\.(\w+)\//.exec(err.method ?? '')?.[1];
  const known = service ? SERVICES[service] : undefined;
  if (!known) return undefined;
  const [name, flag] = known;
  if (neverSent(err)) {
    const env = `BATON_${flag.toUpperCase().replace('-', '_')}_ADDR`;
    return `is the ${flag} service running at ${ctx.addressOf(name)}? (set --${flag}-addr or ${env})`;
  }
  if (err.code === 'UNIMPLEMENTED')
    return `the ${flag} service at ${ctx.addressOf(name)} does not implement this yet`;
  return undefined;
}

/** The error as the CLI shows it: an unreachable service in plain words (see unreachableError). */
export function shownError(err: BatonClientError, ctx: CommandContext): BatonClientError {
  const service = /^\/baton\.v1\.(\w+)\//.exec(err.method ?? '')?.[1];
  const known = service ? SERVICES[service] : undefined;
  // A server's own UNAVAILABLE (it could not reach a peer, a change stored but not announced...)
  // says what happened in its words: shown as it came.
  if (!neverSent(err) || !known) return err;
  return unreachableError(err, known[1], ctx.addressOf(known[0]));
}
