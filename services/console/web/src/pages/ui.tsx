// Small shared pieces of the pages: loading a call's answer, errors as the CLI shows them (with the
// token prompt on UNAUTHENTICATED), status badges, params tables, pagers and confirmed actions.
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getToken, setToken } from '../api';
import { setQuery } from '../router';
import { InputError, paramText, paramTypeOf, statusGroup } from './format';
import type { ParamsJson } from './types';

export interface Loaded<T> {
  data?: T;
  error?: ApiError;
  loading: boolean;
  /** Calls again (keeps showing the last answer meanwhile). */
  reload(): void;
}

/**
 * The answer of `load`, called again whenever `deps` change or reload() is called. A call still in
 * flight when the next starts is aborted, so a slow old answer never overwrites a newer one.
 */
export function useCall<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ data, loading: false });
      },
      (err: unknown) => {
        if (abort.signal.aborted) return;
        setState((s) => ({ data: s.data, error: asApiError(err), loading: false }));
      },
    );
    return () => abort.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof InputError)
    return new ApiError('INVALID_ARGUMENT', err.message, [{ field: err.field, description: err.message }]);
  return new ApiError('UNKNOWN', err instanceof Error ? err.message : String(err));
}

/**
 * A failed call: the code, the message and every field violation, as the CLI prints them. On
 * UNAUTHENTICATED it asks for a token, keeps it for this tab (sessionStorage) and calls again.
 */
export function ErrorBox(props: { error: ApiError | undefined; retry?: () => void }): JSX.Element | null {
  const e = props.error;
  if (!e) return null;
  return (
    <div class="error" role="alert">
      <div>
        <strong>{e.code}</strong>: {e.message}
      </div>
      {e.violations.length > 0 && (
        <ul class="violations">
          {e.violations.map((v) => (
            <li key={`${v.field}:${v.description}`}>
              <code>{v.field || '(request)'}</code> {v.description}
            </li>
          ))}
        </ul>
      )}
      {e.requestId && <div class="muted">request id {e.requestId}</div>}
      {e.code === 'UNAUTHENTICATED' && <TokenPrompt retry={props.retry} />}
      {e.code !== 'UNAUTHENTICATED' && props.retry && (
        <button type="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

function TokenPrompt(props: { retry?: () => void }): JSX.Element {
  const [token, setText] = useState('');
  return (
    <form
      class="token-prompt"
      onSubmit={(ev) => {
        ev.preventDefault();
        setToken(token.trim() || undefined);
        props.retry?.();
      }}
    >
      <label>
        {getToken() ? 'The token was refused; another token' : 'The services need a token'} (kept for this tab
        only):{' '}
        <input
          type="password"
          name="token"
          autoComplete="off"
          value={token}
          onInput={(ev) => setText(ev.currentTarget.value)}
        />
      </label>{' '}
      <button type="submit">Use token</button>
    </form>
  );
}

export function StatusBadge(props: { status: string | undefined }): JSX.Element {
  const s = props.status || 'UNKNOWN';
  return <span class={`badge status-${statusGroup(props.status)}`}>{s}</span>;
}

/** Params (or outputs) by name with their type; `omitted` names those the service left out. */
export function ParamsTable(props: {
  params: ParamsJson | undefined;
  omitted?: string[];
  empty?: string;
}): JSX.Element {
  const entries = Object.entries(props.params ?? {}).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0 && !props.omitted?.length) return <p class="muted">{props.empty ?? 'none'}</p>;
  return (
    <table class="grid params">
      <tbody>
        {entries.map(([name, pv]) => (
          <tr key={name}>
            <th>{name}</th>
            <td class="muted">{paramTypeOf(pv)}</td>
            <td>
              <ValueText text={paramText(pv)} />
            </td>
          </tr>
        ))}
        {props.omitted?.map((name) => (
          <tr key={`omitted:${name}`}>
            <th>{name}</th>
            <td />
            <td class="muted">(too large to show here)</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A value that may be long: the first 400 characters, the rest on demand. */
export function ValueText(props: { text: string }): JSX.Element {
  const [all, setAll] = useState(false);
  if (props.text.length <= 400 || all) return <code class="value">{props.text}</code>;
  return (
    <span>
      <code class="value">{props.text.slice(0, 400)}…</code>{' '}
      <button type="button" class="link" onClick={() => setAll(true)}>
        show all ({props.text.length} characters)
      </button>
    </span>
  );
}

/**
 * Server-side paging by the URL's `page` token: "Next page" pushes the next token (Back returns),
 * "First page" drops it.
 */
export function Pager(props: {
  nextToken: string | undefined;
  current: string | undefined;
  param?: string;
}): JSX.Element {
  const param = props.param ?? 'page';
  return (
    <div class="pager">
      <button type="button" disabled={!props.current} onClick={() => setQuery({ [param]: undefined }, false)}>
        First page
      </button>
      <button
        type="button"
        disabled={!props.nextToken}
        onClick={() => setQuery({ [param]: props.nextToken }, false)}
      >
        Next page
      </button>
    </div>
  );
}

/**
 * A button that acts only after a second, explicit confirmation, then shows the service's answer
 * or its error.
 */
export function ConfirmAction(props: {
  label: string;
  /** What will happen, shown when asking. */
  question: string;
  run: () => Promise<string | undefined>;
  onDone?: () => void;
  danger?: boolean;
  disabled?: boolean;
  children?: ComponentChildren;
}): JSX.Element {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await props.run();
      setDone(answer ?? 'done');
      setAsking(false);
      props.onDone?.();
    } catch (err) {
      setError(asApiError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="action">
      {!asking ? (
        <button
          type="button"
          class={props.danger ? 'danger' : undefined}
          disabled={props.disabled}
          onClick={() => {
            setAsking(true);
            setDone(undefined);
            setError(undefined);
          }}
        >
          {props.label}
        </button>
      ) : (
        <fieldset class="confirm" aria-label={`confirm ${props.label}`}>
          <span>{props.question}</span>
          {props.children}
          <button type="button" class={props.danger ? 'danger' : 'primary'} disabled={busy} onClick={go}>
            Yes, {props.label.toLowerCase()}
          </button>
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            Cancel
          </button>
        </fieldset>
      )}
      {done && <span class="muted"> {done}</span>}
      <ErrorBox error={error} />
    </div>
  );
}

/**
 * A long list drawn a window at a time (rows of a fixed height): a run of 10,000 steps scrolls
 * without building 10,000 rows.
 */
export function VirtualRows<T>(props: {
  items: T[];
  rowHeight: number;
  maxHeight: number;
  header?: ComponentChildren;
  row: (item: T, index: number) => ComponentChildren;
}): JSX.Element {
  const box = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const total = props.items.length * props.rowHeight;
  const height = Math.min(total, props.maxHeight);
  const first = Math.max(0, Math.floor(top / props.rowHeight) - 10);
  const last = Math.min(props.items.length, Math.ceil((top + height) / props.rowHeight) + 10);
  useEffect(() => {
    if (box.current) box.current.style.height = `${height}px`;
  }, [height]);
  const spacer = useRef<HTMLDivElement>(null);
  const windowEl = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (spacer.current) spacer.current.style.height = `${total}px`;
    if (windowEl.current) windowEl.current.style.transform = `translateY(${first * props.rowHeight}px)`;
  });
  return (
    <div class="vlist">
      {props.header}
      <div class="vlist-scroll" ref={box} onScroll={(e) => setTop(e.currentTarget.scrollTop)}>
        <div class="vlist-spacer" ref={spacer}>
          <div class="vlist-window" ref={windowEl}>
            {props.items.slice(first, last).map((item, i) => props.row(item, first + i))}
          </div>
        </div>
      </div>
    </div>
  );
}

/** A page's title row: the heading and what sits to its right. */
export function Title(props: {
  children: ComponentChildren;
  right?: ComponentChildren;
  sub?: ComponentChildren;
}): JSX.Element {
  return (
    <div class="title">
      <div>
        <h1>{props.children}</h1>
        {props.sub && <div class="muted">{props.sub}</div>}
      </div>
      {props.right && <div class="title-right">{props.right}</div>}
    </div>
  );
}

/**
 * A filter form whose fields live in the URL (linkable): submitting sets them and drops the page
 * token. Give it `key={query.toString()}` so it shows the URL's values after navigation.
 */
export function FilterForm(props: {
  fields: {
    name: string;
    label: string;
    value: string;
    options?: string[];
    placeholder?: string;
    type?: 'text' | 'datetime-local';
  }[];
}): JSX.Element {
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(props.fields.map((f) => [f.name, f.value])),
  );
  const set = (name: string, value: string) => setValues((v) => ({ ...v, [name]: value }));
  return (
    <form
      class="filters"
      onSubmit={(ev) => {
        ev.preventDefault();
        const changes: Record<string, string | undefined> = { page: undefined };
        for (const f of props.fields) changes[f.name] = values[f.name]?.trim() || undefined;
        setQuery(changes, false);
      }}
    >
      {props.fields.map((f) => (
        <span class="filter" key={f.name}>
          <label htmlFor={`filter-${f.name}`}>{f.label}</label>{' '}
          {f.options ? (
            <select
              id={`filter-${f.name}`}
              name={f.name}
              value={values[f.name]}
              onChange={(ev) => set(f.name, ev.currentTarget.value)}
            >
              <option value="">any</option>
              {f.options.map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          ) : f.type === 'datetime-local' ? (
            <input
              id={`filter-${f.name}`}
              name={f.name}
              value={values[f.name]}
              type="datetime-local"
              onInput={(ev) => set(f.name, ev.currentTarget.value)}
            />
          ) : (
            <input
              id={`filter-${f.name}`}
              name={f.name}
              value={values[f.name]}
              placeholder={f.placeholder}
              onInput={(ev) => set(f.name, ev.currentTarget.value)}
            />
          )}
        </span>
      ))}
      <button type="submit">Apply</button>
    </form>
  );
}
