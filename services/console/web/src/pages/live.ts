// A run kept current: GetInstance by key, re-read (at most twice a second) on every change the
// scheduler's WatchInstance stream reports. The server ends a watch after its deadline cap (30 s by
// default); a run not yet ended is watched again. Child runs (loop iterations, subworkflows) cannot
// be watched by key, so they are re-read every two seconds until they end.
import { useEffect, useState } from 'preact/hooks';
import { type ApiError, rpc, stream } from '../api';
import { isInstanceTerminal } from './format';
import type { Instance } from './types';
import { type Loaded, useCall } from './ui';

const MIN_REREAD_MS = 500;
const CHILD_POLL_MS = 2000;
const REWATCH_MS = 1000;

export interface LiveInstance extends Loaded<Instance> {
  /** A watch that failed (the page still shows the last answer). */
  watchError?: ApiError;
}

export function useLiveInstance(key: string): LiveInstance {
  const call = useCall(
    (signal) =>
      rpc<{ instance?: Instance }>('scheduler', 'GetInstance', { key }, signal).then((r) => r.instance ?? {}),
    [key],
  );
  const inst = call.data;
  const loaded = inst !== undefined;
  const ended = isInstanceTerminal(inst?.status);
  const child = Boolean(inst?.parentKey);
  const refText = JSON.stringify(inst?.ref ?? null);
  const [round, setRound] = useState(0);
  const [watchError, setWatchError] = useState<ApiError>();
  const { reload } = call;
  useEffect(() => {
    if (!loaded || ended) return;
    if (child) {
      const timer = setInterval(reload, CHILD_POLL_MS);
      return () => clearInterval(timer);
    }
    let pending: ReturnType<typeof setTimeout> | undefined;
    let rewatch: ReturnType<typeof setTimeout> | undefined;
    let last = 0;
    const reread = () => {
      if (pending) return;
      pending = setTimeout(
        () => {
          pending = undefined;
          last = Date.now();
          reload();
        },
        Math.max(0, last + MIN_REREAD_MS - Date.now()),
      );
    };
    const close = stream(
      'scheduler',
      'WatchInstance',
      { ref: JSON.parse(refText) },
      {
        onMessage: () => {
          setWatchError(undefined);
          reread();
        },
        onEnd: () => {
          reread();
          rewatch = setTimeout(() => setRound((r) => r + 1), REWATCH_MS);
        },
        onError: (err) => {
          setWatchError(err);
          reread();
          rewatch = setTimeout(() => setRound((r) => r + 1), REWATCH_MS * 5);
        },
      },
    );
    return () => {
      close();
      clearTimeout(pending);
      clearTimeout(rewatch);
    };
  }, [key, loaded, ended, child, refText, round, reload]);
  return { ...call, watchError };
}
