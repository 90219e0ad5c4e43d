// The load kit shared by the load test and the soak: the full catalogue index (data/ + the
// national portal crawl) served by buildApp on loopback, and autocannon on POST /api/ask.
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { openAssistant } from '../../service.js';
import { buildApp } from '../../server/http/app.js';
import { createFeedbackStore, createUnansweredLog } from '../../server/http/stores.js';
import { ingestInProcess, PORTAL, projectRoot, TODAY } from './helpers.js';

/** What this suite reads from autocannon's result. */
export interface LoadResult {
  connections: number;
  duration: number;
  requests: { total: number; average: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

export const LOAD_QUESTIONS = [
  'Làm giấy khai sinh cần gì?',
  'Đăng ký kết hôn cần giấy tờ gì?',
  'Cấp lại thẻ căn cước mất bao lâu?',
  'Lệ phí cấp đổi giấy phép lái xe là bao nhiêu?',
  'Đăng ký thường trú nộp ở đâu?',
  'Thủ tục đăng ký khai tử',
  'How do I register a birth?',
  'Sở Tư pháp có nhiệm vụ gì trong công văn 2458?',
  'Hạn chót báo cáo cải cách hành chính quý IV',
  'Cấp phiếu lý lịch tư pháp cần giấy tờ gì?',
  'Đăng ký thành lập hộ kinh doanh',
  'Xin giấy phép xây dựng nhà ở riêng lẻ',
];

/** The app over the full catalogue index, listening on 127.0.0.1 with a rate limit out of the way. */
export async function serveFullCatalogue(indexDir: string): Promise<{ app: FastifyInstance; url: string }> {
  await ingestInProcess(indexDir, [path.join(projectRoot, 'data'), PORTAL]);
  const { engine } = await openAssistant({ indexDir, embedder: { kind: 'hashing' }, ingestPaths: [], now: () => TODAY });
  const served = await buildApp({
    engine,
    isReady: () => true,
    widgetOrigins: [],
    rateLimit: { max: 100_000_000, timeWindowMs: 60_000 },
    feedback: createFeedbackStore(),
    unanswered: createUnansweredLog({ size: 200 }),
  });
  await served.listen({ host: '127.0.0.1', port: 0 });
  return { app: served, url: `http://127.0.0.1:${(served.server.address() as AddressInfo).port}` };
}

// The client runs in its own process: in the server's process it would share (and distort) the
// event loop it measures, and its own timers would count as server latency.
const CLIENT = `
import autocannon from 'autocannon';
const result = await autocannon(JSON.parse(process.argv[1]));
process.stdout.write(JSON.stringify(result));
`;

/** autocannon on POST /api/ask from a child process, each connection cycling through the questions. */
export function hammer(url: string, seconds: number, connections = 200): Promise<LoadResult> {
  const options = {
    url,
    connections,
    duration: seconds,
    timeout: 60,
    requests: LOAD_QUESTIONS.map((question) => ({ method: 'POST', path: '/api/ask', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question }) })),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENT, JSON.stringify(options)], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`autocannon exited with ${code}`);
        resolve(JSON.parse(out) as LoadResult);
      } catch (e) {
        reject(e as Error);
      }
    });
  });
}

/** A short run first: the measured one should not include the cold start (JIT, first allocations). */
export async function warmUp(url: string): Promise<void> {
  await hammer(url, 5, 20);
}
