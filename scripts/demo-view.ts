// Reads the agent's NDJSON protocol messages on stdin and prints what an operator would want to see.
import { createInterface } from 'node:readline';
import { AgentMessage, type CameraIdentity } from '@kuzet/protocol';

const cameras = new Map<string, CameraIdentity>();
const time = (iso: string) => new Date(iso).toLocaleTimeString('en-GB', { timeZone: 'Asia/Almaty' });
const name = (id: string) => {
  const c = cameras.get(id);
  return c ? `${c.manufacturer} ${c.serial} @${c.host}:${new URL(c.xaddr).port}` : id;
};
const colour = { online: '\x1b[32m', degraded: '\x1b[33m', offline: '\x1b[31m', unknown: '\x1b[90m' } as const;
let bad = 0;

for await (const line of createInterface({ input: process.stdin })) {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    bad++;
    continue;
  }
  const r = AgentMessage.safeParse(json);
  if (!r.success) {
    bad++;
    continue;
  }
  const m = r.data;
  const t = time(m.at);
  switch (m.type) {
    case 'hello':
      console.log(`${t}  agent ${m.agentId} started on ${m.interfaces.join(', ')}`);
      break;
    case 'camera':
      cameras.set(m.camera.cameraId, m.camera);
      console.log(
        `${t}  found    ${name(m.camera.cameraId)}  ${m.camera.model} fw ${m.camera.firmware}, auth ${m.camera.auth}, profiles ${m.camera.profiles.join('+')}`,
      );
      break;
    case 'state': {
      const s = m.state;
      console.log(
        `${t}  ${colour[s.status]}${s.status.toUpperCase().padEnd(8)}\x1b[0m ${name(s.cameraId)}  ${s.reasons.join(', ')}`,
      );
      break;
    }
    case 'stream': {
      const s = m.measurement;
      const pic = s.picture?.black ? 'BLACK' : s.picture?.frozen ? 'FROZEN' : 'moving';
      console.log(
        `${t}  stream   ${name(s.cameraId)}  ${s.codec} ${s.width}x${s.height} ${s.fps} fps ${s.bitrateKbps} kbit/s, picture ${pic}`,
      );
      break;
    }
    case 'retention': {
      const r2 = m.report;
      const txt =
        r2.state === 'known'
          ? `${r2.retainedDays} days on the ${r2.source}, ${r2.gaps.length} gap(s)`
          : `unknown: ${r2.reason}`;
      console.log(`${t}  records  ${name(r2.cameraId)}  ${txt}`);
      break;
    }
    case 'camera_gone':
      console.log(`${t}  gone     ${name(m.cameraId)} (${m.how})`);
      break;
    case 'discovery':
      if (m.devices.length > 1) console.log(`${t}  discovery: ${m.devices.length} devices in ${m.durationMs} ms`);
      break;
    case 'heartbeat':
      console.log(
        `${t}  heartbeat: ${m.cameras} cameras, ${m.checksInFlight} checks running, ${m.rssMb} MB${bad ? `, ${bad} unreadable lines` : ''}`,
      );
      break;
    default:
      break;
  }
}
