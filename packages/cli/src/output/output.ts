import type { OutStream } from '../cli-io';
import { errorJson, formatError } from './format-error';
import { type OutputFormat, documentText, recordText } from './record-text';
import type { Style } from './style';
import { type Column, formatTable } from './table';

/**
 * Everything a command prints goes through here, so that every command honours
 * `-o json|yaml` (the response as data, nothing else on stdout), `-o wide` and colour
 * settings alike.
 */
export class Output {
  constructor(
    private readonly stdout: OutStream,
    private readonly stderr: OutStream,
    /** text (default), wide (tables with more columns), json or yaml (the response as data). */
    readonly format: OutputFormat,
    /** Styling for stdout. */
    readonly style: Style,
    /** Styling for stderr (decided separately: one may be a terminal, the other a pipe). */
    readonly errorStyle: Style,
  ) {}

  /** Machine output (-o json or yaml, or --json): commands print their response as data. */
  get json(): boolean {
    return this.format === 'json' || this.format === 'yaml';
  }

  /** Prints `data` as data with -o json|yaml, else the text `render` makes of it. */
  result<T>(data: T, render: (data: T, style: Style) => string): void {
    if (this.json) this.data(data);
    else this.print(render(data, this.style));
  }

  /** Prints a value as data: YAML with -o yaml, else JSON (for commands whose output is data anyway). */
  data(value: unknown): void {
    this.print(documentText(this.format === 'yaml' ? 'yaml' : 'json', value));
  }

  /** One record of a stream: a JSON line, or a YAML document with -o yaml. */
  record(value: unknown): void {
    this.print(recordText(this.format === 'yaml' ? 'yaml' : 'json', value));
  }

  print(text: string): void {
    this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** A table; columns marked `wide` only with -o wide. */
  table(columns: Column[], rows: string[][]): void {
    const keep = columns.map((c) => this.format === 'wide' || !c.wide);
    this.print(
      formatTable(
        columns.filter((_c, i) => keep[i]),
        rows.map((r) => r.filter((_cell, i) => keep[i])),
        this.style.dim,
      ),
    );
  }

  /** Side remarks (paging hints, progress) go to stderr so stdout stays parseable. */
  note(text: string): void {
    if (!this.json) this.stderr.write(`${this.errorStyle.dim(text)}\n`);
  }

  error(err: unknown, hint?: string): void {
    if (this.json) this.stderr.write(`${documentText(this.format as 'json' | 'yaml', errorJson(err))}\n`);
    else this.stderr.write(`${formatError(err, this.errorStyle, hint)}\n`);
  }
}
