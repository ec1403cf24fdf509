import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics, one registry per app (so two apps in one test process never clash):
 * requests by route template, method and status, their latency, and Node's defaults.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<"method" | "route" | "status">;
  httpDuration: Histogram<"method" | "route" | "status">;
  /** Audit events that could not be written; any increase is an alarm (DESIGN §9 rule 11). */
  auditWriteFailures: Counter<"action" | "outcome">;
  /** Requests whose client went away before the answer (not server errors; logged as 499). */
  clientAborts: Counter<"method" | "route">;
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({
    name: "nodedc_http_requests_total",
    help: "HTTP requests by route template, method and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: "nodedc_http_request_duration_seconds",
    help: "HTTP request latency by route template, method and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const auditWriteFailures = new Counter({
    name: "nodedc_audit_write_failures_total",
    help: "Audit events that failed to be written, by action and outcome (alert on any increase)",
    labelNames: ["action", "outcome"] as const,
    registers: [registry],
  });
  const clientAborts = new Counter({
    name: "nodedc_http_client_aborts_total",
    help: "Requests the client aborted before the answer was sent (counted apart from 5xx)",
    labelNames: ["method", "route"] as const,
    registers: [registry],
  });
  return { registry, httpRequests, httpDuration, auditWriteFailures, clientAborts };
}
