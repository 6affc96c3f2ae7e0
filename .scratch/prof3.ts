import { startEmbeddedCouch } from '/work/main/src/embedded-couch/launcher';
import nano11 from '/work/main/node_modules/nano';
const nano10 = require('/work/main/.scratch/n10/node_modules/nano');
const undici = require('/work/main/.scratch/n10/node_modules/undici');
(async () => {
  const couch = await startEmbeddedCouch({});
  const n = nano11({url: couch.url});
  await n.db.create('x');
  await n.use<any>('x').insert({ _id: 'a', v: 1 });
  const N = 3000;
  async function run(name: string, op: () => Promise<unknown>) {
    for (let i = 0; i < 200; i++) await op();
    const t = Date.now(); const cpu0 = process.cpuUsage();
    await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < N / 10; i++) await op(); }));
    const cpu = process.cpuUsage(cpu0);
    console.log(name, Math.round(N / ((Date.now() - t) / 1000)), 'req/s', 'client cpu us/req', Math.round((cpu.user + cpu.system) / N));
  }
  const d11 = n.use<any>('x');
  await run('nano11', () => d11.get('a'));
  const d10 = nano10({url: couch.url, requestDefaults: {}}).use('x');
  await run('nano10', () => d10.get('a'));
  const agent = new undici.Agent({ connections: 20, pipelining: 1 });
  const d11u = nano11({url: couch.url, agentOptions: agent}).use<any>('x');
  await run('nano11+undici7 agent', () => d11u.get('a'));
  const orig = globalThis.fetch;
  (globalThis as any).fetch = undici.fetch;
  await run('nano11 with undici7 fetch', () => d11u.get('a'));
  (globalThis as any).fetch = orig;
  const u = new URL(couch.url);
  const auth = 'Basic ' + Buffer.from(`${u.username}:${u.password}`).toString('base64');
  const pool = new undici.Pool(`http://127.0.0.1:${u.port}`, { connections: 10 });
  await run('undici request', async () => { const r = await pool.request({ path: '/x/a', method: 'GET', headers: { authorization: auth, accept: 'application/json' } }); await r.body.json(); });
  await couch.stop();
})();
