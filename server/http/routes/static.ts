// The widget script, the demo page and the admin page, served from memory with ETags.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AssetName, StaticAsset } from '../../widget/assets.js';

// The widget changes with deployments: short public caching plus revalidation by ETag.
// Pages always revalidate so a new widget version is picked up at once.
const ROUTES: Array<{ url: string; asset: AssetName; cache: string; summary: string; crossOrigin?: true }> = [
  { url: '/widget.js', asset: 'widget.js', cache: 'public, max-age=300, must-revalidate', summary: 'The embeddable chat widget', crossOrigin: true },
  { url: '/', asset: 'index.html', cache: 'no-cache', summary: 'Demo page with the widget' },
  { url: '/demo.css', asset: 'demo.css', cache: 'public, max-age=300', summary: 'Demo page styles' },
  { url: '/admin', asset: 'admin.html', cache: 'no-cache', summary: 'Admin page (its data needs the admin token)' },
  { url: '/admin.js', asset: 'admin.js', cache: 'no-cache', summary: 'Admin page script' },
  { url: '/admin.css', asset: 'admin.css', cache: 'public, max-age=300', summary: 'Admin and docs styles' },
];

export async function staticRoutes(app: FastifyInstance, deps: { assets: Record<AssetName, StaticAsset> }): Promise<void> {
  for (const route of ROUTES) {
    const asset = deps.assets[route.asset];
    const type = asset.contentType.split(';')[0] ?? 'text/plain';
    app.get(
      route.url,
      { schema: { summary: route.summary, tags: ['static'], produces: [type], response: { 200: z.string(), 304: z.undefined() } } },
      async (request, reply) => {
        reply.header('cache-control', route.cache).header('etag', asset.etag);
        // Other sites load the widget with <script src>; helmet's same-origin CORP would block it.
        if (route.crossOrigin) reply.header('cross-origin-resource-policy', 'cross-origin');
        if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
        return reply.type(asset.contentType).send(asset.body);
      },
    );
  }
}
