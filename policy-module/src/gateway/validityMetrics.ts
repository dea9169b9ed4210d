// The gateway's two expiry dates as Prometheus gauges: the trust directory in force and the TLS certificate it
// serves. Either one passing stops federation (an expired directory vouches for nobody; partners refuse an expired
// certificate), so an alert must see them weeks ahead. Read at each scrape, so a reloaded directory shows at once.
import { X509Certificate } from 'node:crypto';
import { Gauge, type Registry } from 'prom-client';

export type ValiditySources = Readonly<{
  /** When the directory in force expires (ISO 8601); undefined while none is (the gateway starts only with one). */
  directoryExpiresAt: () => string | undefined;
  /** The PEM certificate (chain first) the gateway serves now. */
  servedCertificate: () => Buffer | string;
}>;

/** Seconds since the epoch at which the certificate stops being valid (its notAfter). */
export function certificateNotAfterSeconds(pem: Buffer | string): number {
  return Date.parse(new X509Certificate(pem).validTo) / 1000;
}

export function registerValidityGauges(registry: Registry, sources: ValiditySources): void {
  new Gauge({
    name: 'bleep_gateway_trust_directory_expiry_timestamp_seconds',
    help: 'When the signed trust directory in force expires (Unix time); 0 while none is in force',
    registers: [registry],
    collect() {
      const expiresAt = sources.directoryExpiresAt();
      // No directory federates with nobody, as an expired one does: 0 reads as long expired, and alerts.
      this.set(expiresAt === undefined ? 0 : Date.parse(expiresAt) / 1000);
    },
  });
  new Gauge({
    name: 'bleep_gateway_tls_certificate_expiry_timestamp_seconds',
    help: "When the TLS certificate the gateway serves expires (Unix time, the certificate's notAfter)",
    registers: [registry],
    collect() {
      this.set(certificateNotAfterSeconds(sources.servedCertificate()));
    },
  });
}
