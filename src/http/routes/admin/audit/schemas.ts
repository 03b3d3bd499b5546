export const auditRoute = {
  config: { auth: 'admin' as const },
  schema: { tags: ['Admin: audit log'], security: [{ adminToken: [] }] },
};
