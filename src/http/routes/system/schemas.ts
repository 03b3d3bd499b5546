/** Probes and metrics: anyone may call them (they say nothing about any merchant). */
export const systemRoute = {
  config: { auth: 'public' as const },
  schema: { tags: ['System'] },
};
