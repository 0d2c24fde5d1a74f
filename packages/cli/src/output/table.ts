/** One column of a table: its header, alignment and an optional styling of its cells. */
export interface Column {
  header: string;
  /** Numbers read best right-aligned. Default: 'left'. */
  align?: 'left' | 'right';
  /** Applied after padding, so escape codes never upset the alignment. */
  color?: (cell: string) => string;
  /** Picks each cell's styling from its value (e.g. a status); wins over `color`. */
  colorOf?: (cell: string) => (text: string) => string;
  /** Shown only with `-o wide`. */
  wide?: boolean;
}

/**
 * Aligned plain-text columns separated by two spaces, header first; the last
 * column is not padded so lines carry no trailing blanks.
 */
export function formatTable(
  columns: Column[],
  rows: string[][],
  headerStyle: (s: string) => string = (s) => s,
): string {
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[], header: boolean) =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? '';
        const last = i === columns.length - 1;
        const pad = ' '.repeat(widths[i] - width(cell));
        const padded = c.align === 'right' ? pad + cell : last ? cell : cell + pad;
        const color = c.colorOf ? c.colorOf(cell) : c.color;
        return header ? headerStyle(padded) : color ? color(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      true,
    ),
    ...rows.map((r) => line(r, false)),
  ].join('\n');
}

/** Display width in terminal columns; counts code points so accented names line up. */
function width(s: string): number {
  return [...s].length;
}
