// `npm start`: read the configuration once, make the one logger, build the service (the index is
// built from the bundled data on first run), listen, say what is served, and shut down gracefully
// on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './server/log.js';
import { createService, logSettings } from './service.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\nSee .env.example and the README's configuration table.\n`);
      process.exit(1);
    }
    throw e;
  }
  const log = createLogger(logSettings(config), { isTTY: process.stdout.isTTY === true });
  try {
    const service = await createService(config, { log });
    await service.app.listen({ host: config.host, port: config.port });
    const address = service.app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    service.announce(`http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}/`);

    let closing = false;
    const shutdown = async (signal: string) => {
      if (closing) return;
      closing = true;
      log.info({ signal }, 'shutting down: finishing requests in flight');
      await service.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  } catch (e) {
    // Through the logger: the line is scrubbed of secrets and carries the cause chain.
    log.fatal({ err: e }, `start-up failed: ${(e as Error).message}`);
    process.exit(1);
  }
}

main().catch((e: Error & { code?: string }) => {
  process.stderr.write(`Start-up failed${e.code ? ` [${e.code}]` : ''}: ${e.message}\n`);
  process.exit(1);
});
