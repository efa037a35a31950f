import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

const TICK = 100; // USER_HZ on Linux

/** CPU seconds of a process (self) and of its reaped children, from /proc/PID/stat. */
export function cpuSeconds(pid: number): { self: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields after the comm: state(0) ... utime(11) stime(12) cutime(13) cstime(14)
  return { self: (Number(f[11]) + Number(f[12])) / TICK, children: (Number(f[13]) + Number(f[14])) / TICK };
}

/**
 * CPU seconds a process's children used: those it reaped, and those still running (a Redis AOF rewrite in progress
 * is a forked child), from /proc/PID/task/PID/children.
 */
export function childrenCpu(pid: number): number {
  let live = 0;
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean))
      try {
        live += cpuSeconds(Number(c)).self;
      } catch {
        /* it ended meanwhile (then it is counted once reaped) */
      }
  } catch {}
  return cpuSeconds(pid).children + live;
}

/** CPU seconds of each thread of a process ("tid name" → seconds), from /proc/PID/task/TID/stat. */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`))
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(`${tid} ${name}`, (Number(f[11]) + Number(f[12])) / TICK);
    } catch {
      /* the thread ended */
    }
  return out;
}

export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  let ffmpeg = 'ffmpeg ?';
  try {
    ffmpeg = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' })
      .split('\n')[0]!
      .split(' ')
      .slice(0, 3)
      .join(' ');
  } catch {}
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, ${ffmpeg}`;
}

export const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : Number.NaN;
};

/**
 * CPU time of the whole machine from /proc/stat, in CPU-seconds: busy (user+nice+system+irq+softirq) and steal (time
 * the hypervisor gave this VM's CPUs to someone else — a virtual machine's hidden load).
 */
export function machineCpu(): { busy: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  return { busy: (f[0]! + f[1]! + f[2]! + f[5]! + f[6]!) / TICK, steal: (f[7] ?? 0) / TICK };
}
