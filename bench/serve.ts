// The HTTP phase's server: the real assistant over a built index behind the real fastify app,
// on loopback, with a rate limit high enough not to shape the load. It prints its port and runs
// until its stdin closes (the bench holds the other end), then prints its peak RSS.
import { buildApp } from '../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../server/http/stores.js';
import { openAssistant } from '../service.js';

export async function serve(indexDir: string, today: string): Promise<void> {
  const assistant = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [], now: () => new Date(`${today}T03:00:00Z`) });
  const app = await buildApp({
    engine: assistant.engine,
    isReady: () => true,
    widgetOrigins: [],
    rateLimit: { max: 1e9, timeWindowMs: 60_000 },
    feedback: createFeedbackStore({}),
    unanswered: createUnansweredLog({ size: 100 }),
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ port })}\n`);
  process.stdin.resume();
  await new Promise<void>((resolve) => process.stdin.on('end', resolve).on('close', resolve));
  await app.close();
  // The serving process's peak: modules, the loaded index and the load test's garbage.
  process.stdout.write(`${JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}
