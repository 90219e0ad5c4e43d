// CORS for the embedding sites only, security headers, rate limiting, and the static files.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, WIDGET_ORIGIN } from './setup.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildTestApp();
});
afterAll(() => app.close());

describe('CORS', () => {
  it('echoes an allowed origin, on requests and preflights', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'khai sinh' }, headers: { origin: WIDGET_ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBe(WIDGET_ORIGIN);
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/ask/stream',
      headers: { origin: WIDGET_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(WIDGET_ORIGIN);
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('POST');
  });

  it('does not allow other origins', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/ask', payload: { question: 'khai sinh' }, headers: { origin: 'https://evil.example' } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/api/ask',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('security headers', () => {
  it('sends a strict Content-Security-Policy and the helmet headers', async () => {
    const res = await app.inject({ url: '/' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("object-src 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBeDefined();
    expect(res.headers['referrer-policy']).toBeDefined();
  });

  it('lets other sites load the widget script', async () => {
    const res = await app.inject({ url: '/widget.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(res.headers['cache-control']).toContain('max-age=');
    const again = await app.inject({ url: '/widget.js', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.statusCode).toBe(304);
  });

  it('serves pages without inline scripts and the widget without innerHTML', async () => {
    for (const url of ['/', '/admin']) {
      const page = await app.inject({ url });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
      expect(page.body).not.toMatch(/\son\w+=/);
    }
    expect((await app.inject({ url: '/' })).body).toContain('<script src="/widget.js" data-lang="vi" async></script>');
    const widget = (await app.inject({ url: '/widget.js' })).body;
    expect(widget).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });
});

describe('rate limit', () => {
  it('answers 429 in the user language after the maximum', async () => {
    const limited = await buildTestApp({ rateLimit: { max: 3, timeWindowMs: 60_000 } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await limited.inject({ url: '/api/procedures/1.001193' })).statusCode);
    const vi = await limited.inject({ url: '/api/procedures/1.001193' });
    const en = await limited.inject({ url: '/api/search?q=x', headers: { 'accept-language': 'en' } });
    // Not under /api: never limited.
    const health = await limited.inject({ url: '/healthz' });
    await limited.close();
    expect(statuses).toEqual([200, 200, 200]);
    expect(vi.statusCode).toBe(429);
    expect(vi.json().code).toBe('RATE_LIMITED');
    expect(vi.json().message).toMatch(/^Bạn gửi quá nhiều yêu cầu; vui lòng thử lại sau \d+ giây\.$/);
    expect(vi.headers['retry-after']).toBeDefined();
    expect(en.statusCode).toBe(429);
    expect(en.json().message).toMatch(/^Too many requests; please try again in \d+ seconds\.$/);
    expect(health.statusCode).toBe(200);
  });
});
