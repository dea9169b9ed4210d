// The renderer's server as a process of its own (the local runner starts it detached, like the gateways):
// `node client/serve/serveRenderer.ts --directory <built renderer> --config <trusts json> --port <port>`.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startRendererServer, type KnownTrustConfig } from './rendererServer.ts';

const { values } = parseArgs({
  options: {
    directory: { type: 'string' },
    config: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});
if (values.directory === undefined || values.config === undefined) {
  process.stderr.write(
    'usage: serveRenderer.ts --directory <dir> --config <trusts.json> [--port n] [--host h]\n',
  );
  process.exit(2);
}
const config = JSON.parse(await readFile(values.config, 'utf8')) as { trusts: KnownTrustConfig[] };
const server = await startRendererServer({
  directory: values.directory,
  trusts: config.trusts,
  host: values.host,
  port: Number(values.port),
});
process.stdout.write(`Bleep renderer at ${server.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
