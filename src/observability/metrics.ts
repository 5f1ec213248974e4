import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Database } from '../db/client.ts';
import { outboxBacklog } from '../mail/sender.ts';
import { documentRendererStatus } from '../documents/renderer.ts';
import { documentsBeingIssued } from '../services/issued-documents.ts';

/**
 * What GET /metrics reports, in the Prometheus text format: requests by route (the route's pattern,
 * never the address with its ids), their latency, the ones in flight, the database pool, the mail
 * outbox waiting to be sent, the documents the renderer threads have to draw and those waiting to be
 * issued. One registry per app.
 */
export interface Metrics {
  registry: Registry;
  /** A request begins on `route`; the answer calls the returned function with its status. */
  begin(method: string, route: string): (status: number) => void;
}

export function createMetrics(database: Database, options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'http_requests_total', help: 'Requests answered, by method, route and status', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by method and route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'Requests being answered now, by route', labelNames: ['route'], registers: [registry] });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state (total, idle, and requests waiting for one; the embedded database has one connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = database.stats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  new Gauge({
    name: 'mail_outbox_pending',
    help: 'E-mail messages waiting in the outbox to be sent',
    registers: [registry],
    async collect() {
      this.set(await outboxBacklog(database.db));
    },
  });
  new Gauge({
    name: 'renderer_queue',
    help: 'Documents the renderer threads have yet to draw, and the threads ready to draw',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const status = documentRendererStatus();
      this.set({ state: 'pending' }, status.pending.reduce((a, b) => a + b, 0));
      this.set({ state: 'threads_ready' }, status.ready);
    },
  });
  new Gauge({
    name: 'documents_issuing',
    help: 'Documents being issued or waiting their turn (one at a time per consortium)',
    registers: [registry],
    collect() {
      this.set(documentsBeingIssued());
    },
  });
  return {
    registry,
    begin(method, route) {
      const stop = latency.startTimer({ method, route });
      inFlight.inc({ route });
      return (status) => {
        stop();
        inFlight.dec({ route });
        requests.inc({ method, route, status: String(status) });
      };
    },
  };
}
