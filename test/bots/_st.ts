import { OurRoom } from '../bench/sfu/steady.js';
const n = Number(process.argv[2]);
const shape = { participants: n, speakers: 3, grid: { tiles: Math.min(24, n - 1), tileHeight: 180, speakerHeight: 360 } };
const t = performance.now();
const room = await OurRoom.start(shape, { workers: 1, consumerBudget: 100000, label: 'x' }).catch((e) => { console.log(String(e)); process.exit(1); });
console.log('settled in', Math.round(performance.now() - t), 'ms', room.swarm.bots.map((b) => b.media.keyFrameRequests).join(','));
const w = await room.measure(5, 'x');
console.log(JSON.stringify(w));
await room.close();
