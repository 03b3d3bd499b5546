/** The three self-service key routes need `keys:write`, reads included: listing keys is key management too. */
export const keysRoute = {
  config: { scope: 'keys:write' as const },
  schema: { tags: ['API keys'], security: [{ apiKey: [] }] },
};
