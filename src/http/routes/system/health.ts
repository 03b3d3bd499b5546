import { Type } from '@fastify/type-provider-typebox';
import type { TypedApp } from '../../route.ts';
import { systemRoute } from './schemas.ts';

export const HealthSchema = Type.Object({ status: Type.Literal('ok') }, {
  description: 'The process is up.', examples: [{ status: 'ok' }],
});

export function healthRoute(app: TypedApp): void {
  app.get('/health', {
    config: systemRoute.config,
    schema: {
      ...systemRoute.schema, operationId: 'system.health', summary: 'Liveness',
      description: 'Answers while the process is up; does not touch the database.',
      response: { 200: HealthSchema },
    },
  }, async () => ({ status: 'ok' as const }));
}
