import { startEmbeddedCouch } from '/work/main/src/embedded-couch/launcher';
import nano from '/work/main/node_modules/nano';
import http from 'node:http';
(async () => {
  const couch = await startEmbeddedCouch({});
  const n = nano({url: couch.url});
  await n.db.create('x');
  await n.use<any>('x').insert({ _id: 'a', v: 1 });
  const u = new URL(couch.url);
  const auth = 'Basic ' + Buffer.from(`${u.username}:${u.password}`).toString('base64');
  const N = 3000;
  async function run(name: string, op: () => Promise<void>) {
    const t = Date.now(); const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < N / 10; i++) await op(); }));
    const cpu = process.cpuUsage(cpu0);
    console.log(name, Math.round(N / ((Date.now() - t) / 1000)), 'req/s', 'client cpu us/req', Math.round((cpu.user + cpu.system) / N));
  }
  await run('fetch', async () => { const r = await fetch(`http://127.0.0.1:${u.port}/x/a`, { headers: { authorization: auth, accept: 'application/json' } }); await r.json(); });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  await run('http', () => new Promise<void>((res, rej) => { http.get({ host: '127.0.0.1', port: u.port, path: '/x/a', agent, headers: { authorization: auth, accept: 'application/json' } }, (r) => { const c: Buffer[] = []; r.on('data', (d) => c.push(d)); r.on('end', () => { JSON.parse(Buffer.concat(c).toString()); res(); }); }).on('error', rej); }));
  await couch.stop();
})();
