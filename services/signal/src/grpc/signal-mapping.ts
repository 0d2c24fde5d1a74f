import { type FieldViolation, BatonError } from '@baton/kit';
import { SIGNAL_LIMITS, signalNameProblem, signalParamNameProblem } from '@baton/model';
import type { ParamFilter as ApiFilter, ParamValue } from '@baton/proto';
import { type ParamFilter, isFilterOperator } from '../domain/param-filter';
import type { SignalParams, SignalValue } from '../domain/signal-values';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A signal name, checked (INVALID_ARGUMENT naming `field`). */
export function checkName(name: string, field: string, out: FieldViolation[]): void {
  const problem = signalNameProblem(name);
  if (problem) out.push({ field, description: problem });
}

/** One STRING or LONG ParamValue as a signal value, or a violation. */
export function signalValueOf(
  pv: ParamValue | undefined,
  field: string,
  out: FieldViolation[],
): SignalValue | undefined {
  const kind = pv?.kind;
  if (kind?.$case === 'stringValue') {
    if (kind.value.length > SIGNAL_LIMITS.maxStringValueLength) {
      out.push({ field, description: `at most ${SIGNAL_LIMITS.maxStringValueLength} characters` });
      return undefined;
    }
    return kind.value;
  }
  if (kind?.$case === 'longValue') {
    let v: bigint;
    try {
      v = BigInt(kind.value);
    } catch {
      out.push({ field, description: 'is not a 64-bit integer' });
      return undefined;
    }
    if (v < INT64_MIN || v > INT64_MAX) {
      out.push({ field, description: 'is not a 64-bit integer' });
      return undefined;
    }
    return v;
  }
  out.push({
    field,
    description: `signal params are STRING or LONG values, got ${kind ? kind.$case : 'an empty value'}`,
  });
  return undefined;
}

export function signalParamsOf(
  map: Record<string, ParamValue>,
  base: string,
  out: FieldViolation[],
): SignalParams {
  const entries = Object.entries(map);
  if (entries.length > SIGNAL_LIMITS.maxParams) {
    out.push({
      field: base,
      description: `at most ${SIGNAL_LIMITS.maxParams} params, got ${entries.length}`,
    });
  }
  const params: SignalParams = {};
  for (const [k, pv] of entries.slice(0, SIGNAL_LIMITS.maxParams)) {
    const nameProblem = signalParamNameProblem(k);
    if (nameProblem) {
      out.push({ field: `${base}.${k.slice(0, 140)}`, description: nameProblem });
      continue;
    }
    const v = signalValueOf(pv, `${base}.${k}`, out);
    if (v !== undefined)
      Object.defineProperty(params, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

export function filtersOf(list: ApiFilter[], base: string, out: FieldViolation[]): ParamFilter[] {
  if (list.length > SIGNAL_LIMITS.maxParams) {
    out.push({ field: base, description: `at most ${SIGNAL_LIMITS.maxParams} filters` });
    return [];
  }
  const filters: ParamFilter[] = [];
  list.forEach((f, i) => {
    const p = `${base}[${i}]`;
    const nameProblem = signalParamNameProblem(f.param);
    if (nameProblem) out.push({ field: `${p}.param`, description: nameProblem });
    if (!isFilterOperator(f.operator))
      out.push({ field: `${p}.operator`, description: 'one of = > >= < <=' });
    const v = signalValueOf(f.value, `${p}.value`, out);
    if (!nameProblem && isFilterOperator(f.operator) && v !== undefined)
      filters.push({ param: f.param, operator: f.operator, value: v });
  });
  return filters;
}

/** The payload as JSON text ('' when absent), within the size limit. */
export function payloadOf(v: unknown, out: FieldViolation[]): string {
  if (v === undefined) return '';
  let text: string;
  try {
    text = JSON.stringify(v);
  } catch {
    out.push({ field: 'payload', description: 'is not JSON' });
    return '';
  }
  if (Buffer.byteLength(text) > SIGNAL_LIMITS.maxPayloadBytes) {
    out.push({ field: 'payload', description: `at most ${SIGNAL_LIMITS.maxPayloadBytes} bytes of JSON` });
    return '';
  }
  return text;
}

export function checkRequestId(id: string, field: string, out: FieldViolation[]): void {
  if (id.length > SIGNAL_LIMITS.maxRequestIdLength)
    out.push({ field, description: `at most ${SIGNAL_LIMITS.maxRequestIdLength} characters` });
}

export function throwIfAny(message: string, out: FieldViolation[]): void {
  if (out.length > 0) throw BatonError.invalid(message, out);
}
