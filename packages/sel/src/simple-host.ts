import type { HostValue, ParamHost } from './host';

/** Data for `createParamHost`: every section is optional. */
export interface ParamHostData {
  params?: Readonly<Record<string, HostValue>>;
  /** steps[stepId][name], including special fields such as MAESTRO_STEP_STATUS. */
  steps?: Readonly<Record<string, Readonly<Record<string, HostValue>>>>;
  /** Fields of the step the expression belongs to (params.getFromStep(name)). */
  currentStep?: Readonly<Record<string, HostValue>>;
  /** signals[signalName][param]; the first entry is the first signal (params.getFromSignal(param)). */
  signals?: Readonly<Record<string, Readonly<Record<string, HostValue>>>>;
  signalDependencies?: Readonly<Record<string, Readonly<Record<string, HostValue>>>>;
  /** foreach[foreachStepId][stepId][param] = values per iteration. */
  foreach?: Readonly<
    Record<string, Readonly<Record<string, Readonly<Record<string, readonly HostValue[]>>>>>
  >;
  subworkflows?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, HostValue>>>>>>;
  instance?: Readonly<Record<string, HostValue>>;
  now?: number;
}

function own<T>(o: Readonly<Record<string, T>> | undefined, k: string): T | undefined {
  return o && Object.hasOwn(o, k) ? o[k] : undefined;
}

/** A ParamHost over plain data, for tests, the CLI and callers without an engine. */
export function createParamHost(data: ParamHostData = {}): ParamHost {
  return {
    get: (n) => own(data.params, n),
    has: (n) => own(data.params, n) !== undefined,
    getFromStep: (s, n) => own(own(data.steps, s), n),
    getFromCurrentStep: (n) => own(data.currentStep, n),
    getFromSignal: (s, n) => own(own(data.signals, s), n),
    getFromFirstSignal: (n) => {
      const first = data.signals ? Object.keys(data.signals)[0] : undefined;
      return first === undefined ? undefined : own(own(data.signals, first), n);
    },
    getFromSignalDependency: (s, n) => own(own(data.signalDependencies, s), n),
    getFromForeach: (f, s, n) => own(own(own(data.foreach, f), s), n),
    getFromSubworkflow: (w, s, n) => own(own(own(data.subworkflows, w), s), n),
    getFromInstance: (n) => own(data.instance, n),
    ...(data.now !== undefined ? { now: () => data.now as number } : {}),
  };
}
