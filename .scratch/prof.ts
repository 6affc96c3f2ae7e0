import { startEmbeddedCouch } from '/work/main/src/embedded-couch/launcher';
import nano from '/work/main/node_modules/nano';
(async () => {
  const couch = await startEmbeddedCouch({});
  const n = nano({url: couch.url, headers: {'Accept-Encoding': 'identity'}});
  await n.db.create('x');
  const db = n.use<any>('x');
  await db.insert({ _id: 'a', v: 1 });
  const N = 3000;
  const t = Date.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: 10 }, async () => { for (let i = 0; i < N / 10; i++) await db.get('a'); }));
  const cpu = process.cpuUsage(cpu0);
  console.log('nano get', N / ((Date.now() - t) / 1000), 'req/s', 'client cpu us/req', (cpu.user + cpu.system) / N);
  await couch.stop();
})();
