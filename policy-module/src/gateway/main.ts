// The policy gateway's entry point: reads its configuration, wires the parts together, serves the client API on
// plain HTTP (TLS is the trust's front-end load balancer's, or loopback here) and the federation API over TLS,
// and shuts down cleanly on SIGTERM.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import pg from 'pg';
import { pino } from 'pino';
import { loadPolicy } from '../policy/loadPolicy.ts';
import { createClientGateway } from './clientApi/createClientGateway.ts';
import { createFederationGateway } from './federation/createFederationGateway.ts';
import { synapseRequestBodyLimit } from './federation/synapseRequestBodyLimit.ts';
import { parseGatewayConfig } from './gatewayConfig.ts';
import { createGatewayMetrics, createMetricsServer } from './gatewayMetrics.ts';
import { createGatewayServices } from './gatewayServices.ts';
import { registerValidityGauges } from './validityMetrics.ts';
import { createForwardingHeaders } from './forwardedFor.ts';
import { createSynapseProxy } from './synapseProxy.ts';
import { createWhoAmI } from './whoAmI.ts';
import { createHeldRoomsView } from './heldRoomsView.ts';
import { createJoinedRooms } from './joinedRooms.ts';
import { discardToken } from './discardToken.ts';
import { createSignOutSession } from './signOutSession.ts';
import { createSynapseKeys } from '../identity/synapseKeys.ts';

async function listen(server: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
}

async function main(): Promise<void> {
  const config = parseGatewayConfig(process.env);
  const log = pino({ level: config.LOG_LEVEL, base: { service: 'bleep-gateway' } });
  const policy = await loadPolicy(config.BLEEP_POLICY_PATH);
  const database = new pg.Pool({ connectionString: config.BLEEP_DATABASE_URL, max: 10 });
  // A dropped idle connection must not crash the gateway; the pool replaces it.
  database.on('error', (error) => {
    log.warn({ err: { message: error.message } }, 'database connection error');
  });
  const services = await createGatewayServices({ config, policy, database, log });

  const metrics = createGatewayMetrics();
  const forwardingHeaders = createForwardingHeaders(config.GATEWAY_TRUSTED_PROXIES);
  const clientProxy = createSynapseProxy(config.SYNAPSE_URL, {
    log: log.child({ upstream: 'client' }),
    forwardingHeaders,
    onFailure: () => {
      metrics.upstreamFailures.inc({ api: 'client' });
    },
  });
  const federationProxy = createSynapseProxy(config.SYNAPSE_FEDERATION_URL, {
    log: log.child({ upstream: 'federation' }),
    forwardingHeaders,
    onFailure: () => {
      metrics.upstreamFailures.inc({ api: 'federation' });
    },
  });
  const tls = { cert: await readFile(config.TLS_CERT_PATH), key: await readFile(config.TLS_KEY_PATH) };
  registerValidityGauges(metrics.registry, {
    directoryExpiresAt: services.directoryExpiresAt,
    servedCertificate: () => tls.cert,
  });
  const clientApp = createClientGateway({
    policy,
    allowedPartners: services.allowedPartners,
    partnerTrusts: services.partnerTrusts,
    proxy: clientProxy,
    audit: services.audit,
    whoAmI: createWhoAmI(config.SYNAPSE_URL, {
      onUnavailable: (reason) => {
        metrics.upstreamFailures.inc({ api: 'client' });
        log.warn({ upstream: 'client' }, reason);
      },
    }),
    enrolment: services.enrolment,
    devices: services.devices,
    legalHolds: {
      joinedRooms: createJoinedRooms(config.SYNAPSE_URL),
      heldRooms: createHeldRoomsView(database),
    },
    deviceSigning: {
      identities: services.identities,
      synapseKeys: createSynapseKeys(config.SYNAPSE_URL),
    },
    staff: services.staff,
    discardToken: (accessToken) => discardToken(config.SYNAPSE_URL, accessToken, log),
    expiryReports: services.expiryReports,
    signOutSession: createSignOutSession(config.SYNAPSE_URL),
    maxJsonBodyBytes: config.MAX_JSON_BODY_BYTES,
    clientAddress: (request) => forwardingHeaders(request)['x-forwarded-for'],
    failedAttemptLimit: {
      failures: config.GATEWAY_FAILED_ATTEMPTS_PER_WINDOW,
      windowMs: config.GATEWAY_FAILED_ATTEMPT_WINDOW_MINUTES * 60_000,
    },
    metrics,
    log: log.child({ api: 'client' }),
  });
  const clientServer: Server = config.GATEWAY_CLIENT_TLS
    ? createTlsServer(tls, clientApp)
    : createServer(clientApp);
  // Long-polling /sync holds a request open for up to the client's timeout; keep idle connections for reuse.
  clientServer.keepAliveTimeout = 65_000;
  clientServer.headersTimeout = 66_000;
  const federationServer = createTlsServer(
    tls,
    createFederationGateway({
      allowedPartners: services.allowedPartners,
      plaintextEventTypes: policy.encryption.plaintextEventTypes,
      maxTransactionBytes: synapseRequestBodyLimit(policy),
      proxy: federationProxy,
      audit: services.audit,
      metrics,
      log: log.child({ api: 'federation' }),
    }),
  );
  await listen(clientServer, config.GATEWAY_CLIENT_PORT, config.GATEWAY_BIND_ADDRESS);
  await listen(federationServer, config.GATEWAY_FEDERATION_PORT, config.GATEWAY_BIND_ADDRESS);
  const metricsServer = createMetricsServer(metrics);
  await listen(metricsServer, config.GATEWAY_METRICS_PORT, config.GATEWAY_METRICS_BIND_ADDRESS);
  log.info(
    {
      trust: policy.trust.serverName,
      clientPort: config.GATEWAY_CLIENT_PORT,
      federationPort: config.GATEWAY_FEDERATION_PORT,
      partners: services.allowedPartners(),
    },
    'gateway listening',
  );

  const shutdown = (signal: string): void => {
    log.info({ signal }, 'shutting down');
    clientServer.close();
    federationServer.close();
    metricsServer.close();
    clientServer.closeIdleConnections();
    federationServer.closeIdleConnections();
    void Promise.allSettled([
      clientProxy.close(),
      federationProxy.close(),
      services.close(),
      database.end(),
    ]).then(() => {
      process.exit(0);
    });
    // Long-polls would hold the close for their whole timeout; clients retry them against the next gateway.
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // Configuration and start-up errors name what is wrong; they hold no secrets or patient data.
  process.stderr.write(
    `bleep gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
