import { Counter, Gauge, type Registry } from 'prom-client'

/**
 * Ingest's counters, and how far it is behind the readings log on disk (`behind`, read when
 * the metrics are collected).
 */
export function createIngestMetrics(registry: Registry, behind: () => number) {
  const metrics = {
    accepted: new Counter({ name: 'hearth_readings_accepted_total', help: 'SenML records accepted', registers: [registry] }),
    refused: new Counter({
      name: 'hearth_readings_refused_total',
      help: 'SenML records (or whole payloads) refused, by reason',
      labelNames: ['code'],
      registers: [registry],
    }),
    written: new Counter({ name: 'hearth_readings_written_total', help: 'Readings written to the store', registers: [registry] }),
    writeErrors: new Counter({ name: 'hearth_readings_write_errors_total', help: 'Failed batch writes', registers: [registry] }),
    statusRefused: new Counter({ name: 'hearth_status_refused_total', help: 'Status messages refused', registers: [registry] }),
  }
  new Gauge({
    name: 'hearth_readings_log_behind_bytes',
    help: 'Bytes of the readings log on disk that ingest has not yet stored',
    registers: [registry],
    collect() {
      this.set(behind())
    },
  })
  return metrics
}

export type IngestMetrics = ReturnType<typeof createIngestMetrics>
