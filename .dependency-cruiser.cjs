// Layering (STYLE.md, "The house"; issue 12 item 2), checked by `npm run lint:deps` (part of `npm run lint`).
//
// Imports point one way: lib → db → crypto → ledger → domain modules → webhooks → http/compat/jobs/cli/network/dashboard.
// A folder may import only from folders before it. The domain modules have an order of their own (DOMAIN below,
// lowest first), so that no two of them can come to import each other. `events` is the outbox every domain module
// appends to inside its own transaction (STYLE.md, example 9), so it sits low among them (above audit and merchants,
// whose `Mode` it names); `webhooks` (endpoints, signing, delivery of those events) sits above all of them.
//
// eslint.config.js keeps its `no-restricted-imports` rule for Fastify types in domain code; the folder order lives here.

const LOW = ['lib', 'db', 'crypto', 'ledger'];
/** Lowest first: each may import the ones before it, never one after it. */
const DOMAIN = [
  'audit', 'merchants', 'events', 'fees', 'idempotency', 'countries', 'signatures', 'customers', 'transactions',
  'notifications', 'live-access', 'accounts', 'cards', 'funding', 'kyc', 'authorizations', 'sms', 'topups',
];
const EVENTS_UP = ['webhooks'];
/** The edges: they may import everything below; http must not import compat (compat registers its own routes). */
const EDGE = ['http', 'compat', 'jobs', 'cli', 'network', 'dashboard'];
const ORDER = [...LOW, ...DOMAIN, ...EVENTS_UP];

const folder = (name) => `^src/${name.replace(/[-]/g, '\\-')}/`;
const anyOf = (names) => `^src/(${names.map((n) => n.replace(/[-]/g, '\\-')).join('|')})/`;

/** One rule per folder of ORDER: it may not import a folder after it, nor an edge. */
const layerRules = ORDER.map((name, i) => ({
  name: `layer-${name}`,
  comment: `src/${name} may not import from a higher layer (STYLE.md, "The house": ${ORDER.slice(i + 1).concat(EDGE).join(', ')} are above it).`,
  severity: 'error',
  from: { path: folder(name) },
  to: { path: anyOf([...ORDER.slice(i + 1), ...EDGE]) },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'domain-through-index',
      comment: 'A domain module imports another domain module only through its index.ts (its public API).',
      severity: 'error',
      from: { path: `${anyOf([...DOMAIN, ...EVENTS_UP])}` },
      to: {
        path: `${anyOf([...DOMAIN, ...EVENTS_UP])}.+`,
        pathNot: ['^src/$1/', `${anyOf([...DOMAIN, ...EVENTS_UP])}index\\.ts$`],
      },
    },
    {
      name: 'http-not-compat',
      comment: 'http must not import compat: each facade registers its own routes (src/compat/index.ts), so compat → http only.',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/compat/' },
    },
    {
      name: 'no-folder-cycles',
      comment: 'No cycle between the top-level folders of src (a cycle inside one folder is that folder\'s business).',
      severity: 'error',
      scope: 'folder',
      // Folders contain their subfolders' modules: src/http → src/compat/kazepay → src/http is a cycle of http.
      from: { path: '^src/[^/]+$' },
      to: { circular: true },
    },
    {
      name: 'nothing-imports-main',
      comment: 'src/main.ts is the process entry: nothing imports it.',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'app-and-runtime-only-from-entries',
      comment: 'buildApp (app.ts) and openRuntime (runtime.ts) are for the entries: main.ts and serve.ts, the CLI, tests and scripts.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/main\\.ts$', '^src/serve\\.ts$', '^src/cli/', '\\.test\\.ts$'] },
      to: { path: '^src/(app|runtime)\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
