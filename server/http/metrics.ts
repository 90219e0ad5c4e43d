// Prometheus metrics through prom-client: Node's default process and event-loop metrics, request
// counts by route and status, a latency histogram, answers found / not found, and ingest runs
// (reported by the admin backend). Each Metrics has its own registry: no global state.
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface Metrics {
  request(route: string, method: string, status: number, seconds: number): void;
  answer(found: boolean): void;
  ingestRun(outcome: 'succeeded' | 'failed'): void;
  /** The exposition text, of type `contentType`. */
  render(): Promise<string>;
  readonly contentType: string;
}

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createMetrics(): Metrics {
  const registry = new Registry();
  // process_cpu_seconds_total, process_resident_memory_bytes, nodejs_eventloop_lag_seconds (and
  // its percentiles), nodejs_heap_size_used_bytes, nodejs_gc_duration_seconds, …
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by route, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency.',
    labelNames: ['route', 'method'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const answers = new Counter({
    name: 'answers_total',
    help: 'Answers given, by whether the engine found something.',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const ingestRuns = new Counter({
    name: 'ingest_runs_total',
    help: 'Ingest runs started from the admin surface, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  // Both outcomes are shown from the start, at 0, so a rate over them is defined at once.
  for (const result of ['found', 'not_found']) answers.inc({ result }, 0);
  for (const outcome of ['succeeded', 'failed']) ingestRuns.inc({ outcome }, 0);

  return {
    request(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      latency.observe({ route, method }, seconds);
    },
    answer(found) {
      answers.inc({ result: found ? 'found' : 'not_found' });
    },
    ingestRun(outcome) {
      ingestRuns.inc({ outcome });
    },
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
