import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type JobOutcome = 'done' | 'failed' | 'given_up' | 'retried';

/**
 * This node's Prometheus metrics, in a registry of its own (several servers may share a process
 * in tests). Counters are per node: Prometheus sums them over the nodes it scrapes.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'packstore_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'packstore_http_request_duration_seconds',
    help: 'Time from request to response, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120],
    registers: [this.registry],
  });
  private readonly bytesIn = new Counter({
    name: 'packstore_http_received_bytes_total',
    help: 'Request body bytes received (as declared by Content-Length).',
    registers: [this.registry],
  });
  private readonly bytesOut = new Counter({
    name: 'packstore_http_sent_bytes_total',
    help: 'Response body bytes sent (as declared by Content-Length).',
    registers: [this.registry],
  });
  private readonly jobs = new Histogram({
    name: 'packstore_job_duration_seconds',
    help: 'How long async jobs ran on this node, by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [this.registry],
  });

  /** `depth` is read at every scrape: how many jobs are queued and running in the shared queue. */
  constructor(depth: () => Promise<{ queued: number; running: number }>) {
    // Node's own: CPU, memory, event loop lag, handles, GC (process_* and nodejs_*).
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'packstore_job_queue_depth',
      help: 'Jobs in the shared queue, by state (all nodes).',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const now = await depth();
        this.set({ state: 'queued' }, now.queued);
        this.set({ state: 'running' }, now.running);
      },
    });
  }

  request(method: string, route: string, status: number, seconds: number, received: number, sent: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.latency.observe(labels, seconds);
    if (received > 0) this.bytesIn.inc(received);
    if (sent > 0) this.bytesOut.inc(sent);
  }

  job(kind: string, outcome: JobOutcome, seconds: number): void {
    this.jobs.observe({ kind, outcome }, seconds);
  }
}
