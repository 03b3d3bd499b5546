// Lint: typescript-eslint's recommended rules, plus the one rule that keeps the
// architecture honest: imports point one way (STYLE.md, "The house"):
// lib → db → crypto → ledger → domain modules → events/webhooks → http/compat/jobs/cli.
import tseslint from 'typescript-eslint';

const LAYERS = ['lib', 'db', 'crypto', 'ledger', 'domain', 'edge'];
// The folders of each layer; the order among domain modules, "through index.ts" and folder cycles are checked by
// dependency-cruiser (.dependency-cruiser.cjs, npm run lint:deps), which also sees type-only and dynamic imports.
const DOMAIN = ['audit', 'merchants', 'events', 'fees', 'idempotency', 'countries', 'signatures', 'customers', 'transactions', 'notifications', 'live-access', 'accounts', 'cards', 'funding', 'kyc', 'authorizations', 'sms', 'topups', 'webhooks'];
const EDGE = ['http', 'compat', 'jobs', 'cli', 'network', 'dashboard'];

const folderOf = (layer) => (layer === 'domain' ? DOMAIN : layer === 'edge' ? EDGE : [layer]);

/** Everything a layer may not import: every layer above it. */
function forbiddenAbove(layer) {
  const above = LAYERS.slice(LAYERS.indexOf(layer) + 1).flatMap(folderOf);
  return above.flatMap((dir) => [`**/${dir}/*`, `**/${dir}/**`, `../${dir}`, `../../${dir}`]);
}

const restrict = (layer, extra = []) => ({
  files: folderOf(layer).map((dir) => `src/${dir}/**/*.ts`),
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: [...forbiddenAbove(layer), ...extra], message: `src/${layer} may not import from a higher layer (see STYLE.md, "The house").` }],
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.tessera/**', 'dashboard/dist/**', 'coverage/**', 'packages/*/dist/**', 'packages/sdk/src/schema.ts'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'error',
    },
  },
  restrict('lib', ['fastify', 'pg', '@electric-sql/*']),
  restrict('db', ['fastify']),
  restrict('crypto', ['fastify']),
  restrict('ledger', ['fastify']),
  // Domain code never sees Fastify; it gets plain values and a Tx.
  restrict('domain', ['fastify', '@fastify/*']),
  { files: ['bench/**', 'test/**', 'packages/sdk/examples/**', 'src/**/*.test.ts', 'src/cli/**', 'src/main.ts'], rules: { 'no-console': 'off' } },
);
