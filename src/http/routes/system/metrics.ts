import { Type } from '@fastify/type-provider-typebox';
import type { Registry } from 'prom-client';
import type { TypedApp } from '../../route.ts';
import { systemRoute } from './schemas.ts';

export function metricsRoute(app: TypedApp, metrics: Registry): void {
  app.get('/metrics', {
    config: systemRoute.config,
    schema: {
      ...systemRoute.schema, operationId: 'system.metrics', summary: 'Prometheus metrics',
      description: 'Request counts and latencies by route, and process metrics, in the Prometheus text format. Expose it only '
        + 'privately: the counters are aggregate, but they tell traffic.',
      response: {
        200: {
          description: 'The Prometheus text exposition format (version 0.0.4).',
          content: {
            'text/plain': {
              schema: Type.String({
                examples: ['# TYPE tessera_http_requests_total counter\n'
                  + 'tessera_http_requests_total{method="GET",route="/health",status="200"} 42\n'],
              }),
            },
          },
        },
      },
    },
  }, async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
}
