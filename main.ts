// `npm start`: read the configuration once, build the service (the index is built from the
// bundled data on first run), listen, and shut down gracefully on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config.js';
import { createService } from './service.js';

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
  const service = await createService(config);
  await service.app.listen({ host: config.host, port: config.port });
  service.log.info({ url: `http://${config.host}:${config.port}/` }, 'assistant ready: open the URL for the demo page');

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    service.log.info({ signal }, 'shutting down: finishing requests in flight');
    await service.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: Error & { code?: string }) => {
  process.stderr.write(`Start-up failed${e.code ? ` [${e.code}]` : ''}: ${e.message}\n`);
  process.exit(1);
});
