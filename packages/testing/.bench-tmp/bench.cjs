const { startFerret } = require('../dist/index.js');
const { MongoClient } = require('mongodb');
async function timeit(label, n, conc, fn) {
  let i = 0;
  const t = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: conc }, async () => {
      while (i < n) {
        const k = i++;
        await fn(k);
      }
    }),
  );
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  console.log(
    `${label.padEnd(40)} n=${n} conc=${conc}: ${(n / s).toFixed(0)}/s (${(((s * 1000) / n) * conc).toFixed(2)} ms/op latency)`,
  );
}
(async () => {
  const starts = [];
  for (let k = 0; k < 5; k++) {
    const t = Date.now();
    const f = await startFerret();
    starts.push(Date.now() - t);
    await f.stop();
  }
  console.log('startFerret wall ms (fresh dir, to first ping):', starts.join(', '));
  const f = await startFerret();
  const c = new MongoClient(f.url, { maxPoolSize: 32 });
  const col = c.db('bench').collection('docs');
  await col.createIndex({ key: 1 }, { unique: true });
  const doc = (k, p) => ({
    _id: `${p}:${k}`,
    key: `${p}k${k}`,
    state: 'RUNNING',
    payload: { a: 1, b: 'x'.repeat(200), arr: [1, 2, 3] },
    ts: new Date(),
  });
  await timeit('insertOne sequential', 2000, 1, (k) => col.insertOne(doc(k, 's')));
  await timeit('insertOne 16 concurrent', 5000, 16, (k) => col.insertOne(doc(k, 'c')));
  await timeit('insertOne dup _id (11000) 16 conc', 2000, 16, (k) =>
    col.insertOne(doc(k % 100, 'c')).catch((e) => {
      if (e.code !== 11000) throw e;
    }),
  );
  const tb = Date.now();
  for (let b = 0; b < 10; b++)
    await col.insertMany(Array.from({ length: 1000 }, (_, k) => doc(b * 1000 + k, 'm')));
  console.log(`insertMany 10x1000: ${(10000 / ((Date.now() - tb) / 1000)).toFixed(0)} docs/s`);
  console.log('docs:', await col.countDocuments({}));
  await timeit('findOne by _id sequential', 3000, 1, (k) => col.findOne({ _id: `c:${k}` }));
  await timeit('findOne by _id 16 concurrent', 10000, 16, (k) => col.findOne({ _id: `c:${k % 5000}` }));
  await timeit('findOne by unique key field 16 conc', 3000, 16, (k) => col.findOne({ key: `ck${k % 5000}` }));
  await timeit('updateOne by _id $set 16 conc', 3000, 16, (k) =>
    col.updateOne({ _id: `c:${k % 5000}` }, { $set: { state: 'DONE' } }),
  );
  await timeit('find state=RUNNING limit 10 (scan) 4 conc', 200, 4, () =>
    col.find({ state: 'RUNNING' }).limit(10).toArray(),
  );
  await c.close();
  await f.stop();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
