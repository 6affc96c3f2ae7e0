import { startEmbeddedCouch } from '/work/main/src/embedded-couch/launcher';
import autocannon from '/work/main/node_modules/autocannon';
(async () => {
  const couch = await startEmbeddedCouch({});
  const u = new URL(couch.url);
  const auth = 'Basic ' + Buffer.from(`${u.username}:${u.password}`).toString('base64');
  const base = `http://127.0.0.1:${u.port}`;
  await fetch(`${base}/x`, { method: 'PUT', headers: { authorization: auth } });
  await fetch(`${base}/x/a`, { method: 'PUT', headers: { authorization: auth, 'content-type': 'application/json' }, body: '{"v":1}' });
  for (const [name, headers] of [['plain', { authorization: auth, accept: 'application/json' }], ['gzip', { authorization: auth, accept: 'application/json', 'accept-encoding': 'deflate, gzip' }], ['ctype', { authorization: auth, accept: 'application/json', 'content-type': 'application/json' }]] as const) {
    const r = await autocannon({ url: `${base}/x/a`, connections: 10, duration: 4, headers: headers as any });
    console.log(name, r.requests.average, r.non2xx);
  }
  await couch.stop();
})();
