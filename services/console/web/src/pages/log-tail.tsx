// An attempt's stdout and stderr from step-runtime's GetStepLogs, followed live while the attempt
// runs. Only the newest MAX_CHARS characters stay in the page, so a step that prints gigabytes
// never freezes the browser; earlier output is counted, not kept.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, stream } from '../api';
import { ErrorBox } from './ui';

const MAX_CHARS = 256 * 1024;
const RECONNECT_MS = 1000;

interface Segment {
  stream: string;
  text: string;
}

interface Chunk {
  stream?: string;
  data?: string;
  offset?: string;
}

function decodeBase64(data: string): Uint8Array {
  const bin = atob(data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function LogTail(props: {
  request: { workflowId?: string; instanceId?: string; runId?: string; stepId: string; attemptId?: number };
  follow: boolean;
}): JSX.Element {
  const [segments, setSegments] = useState<Segment[]>([]);
  const [dropped, setDropped] = useState(0);
  const [error, setError] = useState<ApiError>();
  const [ended, setEnded] = useState(false);
  const [round, setRound] = useState(0);
  const offset = useRef(0);
  const decoders = useRef<Record<string, TextDecoder>>({});
  const box = useRef<HTMLPreElement>(null);
  const stick = useRef(true);
  const requestText = JSON.stringify(props.request);

  useEffect(() => {
    setEnded(false);
    let again: ReturnType<typeof setTimeout> | undefined;
    const close = stream<Chunk>(
      'stepRuntime',
      'GetStepLogs',
      { ...JSON.parse(requestText), follow: props.follow, offset: String(offset.current) },
      {
        onMessage: (c) => {
          const bytes = decodeBase64(c.data ?? '');
          offset.current = Number(c.offset ?? offset.current) + bytes.length;
          const name = c.stream === 'stderr' ? 'stderr' : 'stdout';
          decoders.current[name] ??= new TextDecoder();
          const text = decoders.current[name].decode(bytes, { stream: true });
          if (text) append(name, text);
        },
        onError: (err) => {
          setError(err);
          setEnded(true);
        },
        onEnd: () => {
          setError(undefined);
          // A follow ends when the attempt ends — or when a server's deadline cuts it: go on.
          if (props.follow) again = setTimeout(() => setRound((r) => r + 1), RECONNECT_MS);
          else setEnded(true);
        },
      },
    );
    return () => {
      close();
      clearTimeout(again);
    };
  }, [requestText, props.follow, round]);

  const append = (name: string, text: string) => {
    setSegments((old) => {
      const next = [...old];
      const last = next[next.length - 1];
      if (last && last.stream === name) next[next.length - 1] = { stream: name, text: last.text + text };
      else next.push({ stream: name, text });
      let total = next.reduce((n, s) => n + s.text.length, 0);
      let cut = 0;
      while (total > MAX_CHARS && next.length > 0) {
        const first = next[0]!;
        const over = total - MAX_CHARS;
        if (first.text.length <= over) {
          next.shift();
          cut += first.text.length;
          total -= first.text.length;
        } else {
          next[0] = { stream: first.stream, text: first.text.slice(over) };
          cut += over;
          total -= over;
        }
      }
      if (cut > 0) setDropped((d) => d + cut);
      return next;
    });
  };

  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [segments]);

  const empty = segments.length === 0;
  return (
    <div>
      <ErrorBox error={error} retry={() => setRound((r) => r + 1)} />
      {dropped > 0 && <p class="muted">{dropped} earlier characters are not shown.</p>}
      <pre
        class="log"
        data-testid="log"
        ref={box}
        onScroll={(ev) => {
          const el = ev.currentTarget;
          stick.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {segments.map((s, i) => (
          <span key={i} class={s.stream === 'stderr' ? 'stderr' : undefined}>
            {s.text}
          </span>
        ))}
        {empty && (
          <span class="muted">
            {ended ? '(no output)' : props.follow ? 'waiting for output…' : 'loading…'}
          </span>
        )}
      </pre>
      {props.follow && !ended && <p class="muted">following…</p>}
    </div>
  );
}
