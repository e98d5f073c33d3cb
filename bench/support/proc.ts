import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Kernel clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU seconds a process has used so far, or null if it is gone or not ours to read. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return (utime + stime) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

export interface MemoryReading {
  /** Resident set size now, in KiB. */
  rssKb: number;
  /** Peak resident set size over the process's life (VmHWM), in KiB. */
  peakKb: number;
}

export function memory(pid: number): MemoryReading | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * Watches one process: its peak resident memory (the kernel's high-water mark, with sampled RSS as a
 * fallback should /proc stop answering) and its CPU time, so a scenario can take CPU deltas.
 */
export class ProcessMonitor {
  private sampledPeakKb = 0;
  private lastHwmKb = 0;
  private timer?: NodeJS.Timeout;

  constructor(readonly pid: number) {}

  start(intervalMs = 250): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    this.sample();
    if (this.timer) clearInterval(this.timer);
  }

  sample(): void {
    const reading = memory(this.pid);
    if (!reading) return;
    if (Number.isFinite(reading.rssKb)) this.sampledPeakKb = Math.max(this.sampledPeakKb, reading.rssKb);
    if (Number.isFinite(reading.peakKb)) this.lastHwmKb = Math.max(this.lastHwmKb, reading.peakKb);
  }

  /** Peak resident memory in MiB over the process's life so far. */
  peakRssMb(): number {
    this.sample();
    return Math.max(this.lastHwmKb, this.sampledPeakKb) / 1024;
  }

  cpuSeconds(): number {
    return cpuSeconds(this.pid) ?? Number.NaN;
  }
}

/**
 * The process listening on a local TCP port (for `--attach`, where the bench did not start the
 * services): the socket's inode from /proc/net/tcp{,6}, then the process holding that inode.
 */
export function pidListeningOn(port: number): number | null {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10) continue;
      const localPort = parseInt(cols[1].split(':')[1], 16);
      if (localPort === port && cols[3] === '0A') inodes.add(cols[9]); // 0A = LISTEN
    }
  }
  if (inodes.size === 0) return null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${entry}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
        if (inode && inodes.has(inode)) return Number(entry);
      } catch {
        // the descriptor closed while we looked
      }
    }
  }
  return null;
}
