/** The credential routes: any merchant key or token, in either mode. */
export const authRoute = {
  config: { auth: 'merchant' as const },
  schema: { tags: ['Authentication'], security: [{ apiKey: [] }] },
};
