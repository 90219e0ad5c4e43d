// A loopback HTTP proxy in front of a fake API (Telegram, Zalo) that can make chosen requests
// hang (never answered) or fail with a status, and forwards the rest unchanged.
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'hang' | { status: number; body: unknown; headers?: Record<string, string> } | null;

export interface FlakyProxy {
  base: string;
  /** Decides per request: a fault, or null to forward. Set by the test. */
  decide: (req: { method: string; url: string; body: string }) => Fault;
  seen: Array<{ method: string; url: string; fault: string }>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const to = new URL(target);
  const state: FlakyProxy = { base: '', decide: () => null, seen: [], close: async () => {} };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const fault = state.decide({ method, url, body: body.toString('utf8') });
    state.seen.push({ method, url, fault: fault === null ? 'forward' : fault === 'hang' ? 'hang' : String(fault.status) });
    if (fault === 'hang') return; // the socket stays open until the client gives up or close()
    if (fault) {
      res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
      return res.end(JSON.stringify(fault.body));
    }
    const headers = { ...req.headers, host: to.host, 'content-length': String(body.length) };
    const upstream = httpRequest({ host: to.hostname, port: to.port, path: url, method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
