import type { OutStream } from '../cli-io';
import { errorJson, formatError } from './format-error';
import { toJsonText } from './json-text';
import type { Style } from './style';
import { type Column, formatTable } from './table';

/**
 * Everything a command prints goes through here, so that every command honours
 * --json (the response as JSON, nothing else on stdout) and colour settings alike.
 */
export class Output {
  constructor(
    private readonly stdout: OutStream,
    private readonly stderr: OutStream,
    /** Machine output: commands print their response as JSON instead of text. */
    readonly json: boolean,
    /** Styling for stdout. */
    readonly style: Style,
    /** Styling for stderr (decided separately: one may be a terminal, the other a pipe). */
    readonly errorStyle: Style,
  ) {}

  /** Prints `data` as JSON with --json, else the text `render` makes of it. */
  result<T>(data: T, render: (data: T, style: Style) => string): void {
    if (this.json) this.data(data);
    else this.print(render(data, this.style));
  }

  /** Prints a value as JSON, whatever the mode (for commands whose output is JSON anyway). */
  data(value: unknown): void {
    this.print(toJsonText(value));
  }

  print(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  table(columns: Column[], rows: string[][]): void {
    this.print(formatTable(columns, rows, this.style.dim));
  }

  /** Side remarks (paging hints, progress) go to stderr so stdout stays parseable. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${this.errorStyle.dim(text)}\n`);
  }

  error(err: unknown, hint?: string): void {
    if (this.json) this.stderr.write(`${toJsonText(errorJson(err))}\n`);
    else this.stderr.write(`${formatError(err, this.errorStyle, hint)}\n`);
  }
}
