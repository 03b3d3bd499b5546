import { Type } from '@fastify/type-provider-typebox';

export const eventsSchema = { tags: ['Events'], security: [{ apiKey: [] }] };
export const EventIdParams = Type.Object({ id: Type.String({ maxLength: 64, description: 'evt_…' }) });
