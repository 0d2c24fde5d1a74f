import assert from 'node:assert/strict';
import { test } from '@jest/globals';
import { rewriteBinds } from './named-binds.js';

test('PostgreSQL: :name → $n, one number per name, casts and quoted text left alone', () => {
  const r = rewriteBinds(
    "SELECT :a::int, ':b' AS s, \"x:y\", $$ :c $$, $t$:d$t$ -- :e\n, /* :f */ :a + :g FROM t WHERE c = E'it''s :h'",
    'postgres',
  );
  assert.equal(
    r.text,
    "SELECT $1::int, ':b' AS s, \"x:y\", $$ :c $$, $t$:d$t$ -- :e\n, /* :f */ $1 + $2 FROM t WHERE c = E'it''s :h'",
  );
  assert.deepEqual(r.names, ['a', 'g']);
});

test('MySQL: :name → ?, one per occurrence; backslash escapes and # comments are skipped', () => {
  const r = rewriteBinds("SELECT :a, 'it\\'s :b', `c:d`, :a # :e\n", 'mysql');
  assert.equal(r.text, "SELECT ?, 'it\\'s :b', `c:d`, ? # :e\n");
  assert.deepEqual(r.names, ['a', 'a']);
});

test('no placeholders inside words, assignments or times', () => {
  assert.deepEqual(rewriteBinds('SELECT @x := 1, a:b', 'mysql').names, []);
  assert.deepEqual(rewriteBinds("SELECT '12:30', x", 'postgres').names, []);
});
