// The resident memory of this process and every process it started, sampled from /proc (Linux).
// getrusage's maxRSS is one process's peak, and for children only the largest child's, not those
// running at once: OCR runs a tesseract per core beside node, so the tree is summed at each sample.
// And the CPU time its children used, which other work on a shared machine does not inflate.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface TreePeak {
  /** CPU seconds the sampling itself took in this process (to leave out of node's figures). */
  samplerCpuS: number;
  /** Node and its descendants together at the first sample (modules loaded, nothing running yet), MB. */
  startMB: number;
  /** Node and its descendants together, at the sample where the sum peaked, MB. */
  totalMB: number;
  /** This process alone, its highest sample, MB. */
  selfMB: number;
  /** The largest single descendant (a tesseract), MB, and its command name. */
  childMB: number;
  child: string;
  samples: number;
  everyMs: number;
}

const rssMB = (pid: number | 'self'): number => {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0; // it ended between the listing and the read
  }
};

/** The processes `pid` started: /proc/<pid>/task/<tid>/children, over its threads (node spawns from several). */
function childrenOf(pid: number | 'self'): Array<{ pid: number; comm: string }> {
  const out: Array<{ pid: number; comm: string }> = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out; // it ended
  }
  for (const tid of tasks) {
    let list = '';
    try {
      list = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of list.split(' ').filter(Boolean).map(Number)) {
      let comm = '?';
      try {
        comm = readFileSync(`/proc/${child}/comm`, 'utf8').trim();
      } catch {
        // ended between the two reads
      }
      out.push({ pid: child, comm });
    }
  }
  return out;
}

/** Every process below this one. */
function descendants(): Array<{ pid: number; comm: string }> {
  const out = childrenOf('self');
  for (let i = 0; i < out.length; i++) out.push(...childrenOf(out[i]!.pid));
  return out;
}

/**
 * Sample until `stop()`: a tesseract page runs for seconds, so 100 ms samples see its peak. A
 * sample reads a few /proc files (this process's threads' children, theirs, their VmRSS), not
 * every process's: the sampling must not take the CPU OCR is measured on.
 */
export function sampleTree(everyMs = 100): { stop(): TreePeak } {
  const peak: TreePeak = { samplerCpuS: 0, startMB: 0, totalMB: 0, selfMB: 0, childMB: 0, child: '', samples: 0, everyMs };
  const sample = () => {
    const cpu = process.cpuUsage();
    const self = rssMB('self');
    let total = self;
    for (const c of descendants()) {
      const mb = rssMB(c.pid);
      total += mb;
      if (mb > peak.childMB) Object.assign(peak, { childMB: mb, child: c.comm });
    }
    peak.selfMB = Math.max(peak.selfMB, self);
    if (!peak.samples) peak.startMB = total;
    peak.totalMB = Math.max(peak.totalMB, total);
    peak.samples++;
    const spent = process.cpuUsage(cpu);
    peak.samplerCpuS += (spent.user + spent.system) / 1e6;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

let ticks: number | undefined;

/** CPU seconds (user + system) of the children this process has waited for: /proc/self/stat's cutime and cstime. */
export function childrenCpuSeconds(): number {
  ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm)": state is field 3, so cutime (16) and cstime (17) are at 13 and 14 here.
  return (Number(f[13]) + Number(f[14])) / ticks;
}
