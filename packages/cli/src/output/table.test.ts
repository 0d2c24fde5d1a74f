import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { createStyle } from './style';
import { formatTable } from './table';

test('columns line up, numbers align right, no line ends in blanks', () => {
  const text = formatTable(
    [{ header: 'ID' }, { header: 'N', align: 'right' }, { header: 'TAGS' }],
    [
      ['demo.a', '3', 'x'],
      ['demo.longer_name', '12', ''],
    ],
  );
  assert.equal(
    text,
    [
      'ID                 N  TAGS', //
      'demo.a             3  x',
      'demo.longer_name  12',
    ].join('\n'),
  );
});

test('colour codes do not change the alignment', () => {
  const s = createStyle(true);
  const plain = formatTable([{ header: 'A' }, { header: 'B' }], [['xx', 'y']]);
  const coloured = formatTable([{ header: 'A', color: s.green }, { header: 'B' }], [['xx', 'y']], s.dim);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
  assert.equal(coloured.replace(/\x1b\[\d+m/g, ''), plain);
  assert.notEqual(coloured, plain);
});

test('a style that is off returns text unchanged', () => {
  const s = createStyle(false);
  assert.equal(s.red('x') + s.bold('y'), 'xy');
});
