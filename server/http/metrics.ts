// Prometheus text exposition, written by hand: request counts by route and status, a latency
// histogram, answers found / not found, and ingest runs (reported by the admin backend).
export interface Metrics {
  request(route: string, method: string, status: number, seconds: number): void;
  answer(found: boolean): void;
  ingestRun(outcome: 'succeeded' | 'failed'): void;
  /** The exposition text (content type `text/plain; version=0.0.4`). */
  render(): string;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const requests = new Map<string, number>();
  const histogram = new Map<string, { buckets: number[]; sum: number; count: number }>();
  const answers = { found: 0, not_found: 0 };
  const ingest = { succeeded: 0, failed: 0 };

  return {
    request(route, method, status, seconds) {
      const key = labels({ route, method, status: String(status) });
      requests.set(key, (requests.get(key) ?? 0) + 1);
      const hkey = labels({ route, method });
      let h = histogram.get(hkey);
      if (!h) histogram.set(hkey, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
      BUCKETS.forEach((le, i) => {
        if (seconds <= le) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
      });
      h.sum += seconds;
      h.count += 1;
    },
    answer(found) {
      answers[found ? 'found' : 'not_found'] += 1;
    },
    ingestRun(outcome) {
      ingest[outcome] += 1;
    },
    render() {
      const out: string[] = [];
      out.push('# HELP http_requests_total HTTP requests by route, method and status.');
      out.push('# TYPE http_requests_total counter');
      for (const [key, n] of requests) out.push(`http_requests_total{${key}} ${n}`);
      out.push('# HELP http_request_duration_seconds HTTP request latency.');
      out.push('# TYPE http_request_duration_seconds histogram');
      for (const [key, h] of histogram) {
        BUCKETS.forEach((le, i) => out.push(`http_request_duration_seconds_bucket{${key},le="${le}"} ${h.buckets[i] ?? 0}`));
        out.push(`http_request_duration_seconds_bucket{${key},le="+Inf"} ${h.count}`);
        out.push(`http_request_duration_seconds_sum{${key}} ${h.sum}`);
        out.push(`http_request_duration_seconds_count{${key}} ${h.count}`);
      }
      out.push('# HELP answers_total Answers given, by whether the engine found something.');
      out.push('# TYPE answers_total counter');
      out.push(`answers_total{result="found"} ${answers.found}`);
      out.push(`answers_total{result="not_found"} ${answers.not_found}`);
      out.push('# HELP ingest_runs_total Ingest runs started from the admin surface, by outcome.');
      out.push('# TYPE ingest_runs_total counter');
      out.push(`ingest_runs_total{outcome="succeeded"} ${ingest.succeeded}`);
      out.push(`ingest_runs_total{outcome="failed"} ${ingest.failed}`);
      return `${out.join('\n')}\n`;
    },
  };
}

function labels(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}
