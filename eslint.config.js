import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join } from 'node:path'
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * Boundaries between the folders, checked by `no-restricted-imports`. Every import between them is
 * relative, and one that leaves a folder starts with as many `../` as the importing file lies deep
 * in it, so each folder gets one block per depth whose patterns are anchored at that many `../`:
 * `^(\.\./){2}(?!contract/)` on `broker/x/y.ts` is any import leaving broker/ for anywhere but
 * contract/. One block per file also matters because a later block's options for a rule replace an
 * earlier one's rather than adding to them.
 */
const SOURCES = '{ts,tsx,mts,mjs}'
const DEPTHS = [1, 2, 3, 4, 5, 6]

/** `rule(up)` gives the no-restricted-imports options for the files of `folder` that are `up` (a regex) deep. */
function importBoundary(folder, rule) {
  return DEPTHS.map((depth) => ({
    files: [`${folder}/${'*/'.repeat(depth - 1)}*.${SOURCES}`],
    rules: { 'no-restricted-imports': ['error', rule(`^(\\.\\./){${depth}}`)] },
  }))
}

/** What leaving for one of these top-level folders looks like from `up`. */
const into = (up, folders) => `${up}(${folders.join('|')})(/|$)`

/** The services: each imports contract/ and its own folder only; platform/ (the composition root) wires them together. */
const SERVICES = ['broker', 'ingest', 'alerting', 'dashboard', 'notifications', 'simulators']

const serviceBoundaries = SERVICES.flatMap((service) =>
  importBoundary(service, (up) => ({
    patterns: [{ regex: `${up}(?!contract/)`, message: `${service}/ is a service: it imports contract/ and its own folder only. Take what it needs through a port, or move a shared value into contract/.` }],
  })),
)

const NODE_ONLY = 'contract/ runs unchanged in Node and in the browser: no Node built-ins, no MQTT client. Put Node-only code in the service or platform module that uses it.'

/** contract/ depends on nothing of Hearth's, and on nothing that needs Node. */
const contractBoundary = importBoundary('contract', (up) => ({
  paths: [...builtinModules, 'mqtt', 'mqtt-packet'].map((name) => ({ name, message: NODE_ONLY })),
  patterns: [
    { regex: '^node:', message: NODE_ONLY },
    { regex: up, message: 'contract/ imports only contract/: every service shares it, so it can depend on none of them.' },
  ],
}))

/** Only the composition root opens the stores (tests may too, and the bench, below). */
const STORES_ARE_PLATFORMS = 'Only platform/ (the composition root) opens stores/; everything else reaches them through ports.'
const TEST_IS_TESTS = 'test/ belongs to the test suites; what bench/, chaos/ and the tests share lives in harness/.'

const toolBoundaries = [
  // platform/ ships: nothing of the tests, the bench or the fault suite reaches it.
  ...importBoundary('platform', (up) => ({
    patterns: [{ regex: into(up, ['test', 'harness', 'bench', 'chaos']), message: 'platform/ ships: it imports no test, harness, bench or fault-suite code.' }],
  })),
  ...importBoundary('stores', (up) => ({
    patterns: [{ regex: into(up, ['platform', 'test', 'harness', 'bench', 'chaos']), message: 'stores/ implements the services\' ports; platform/ opens them, not the other way round.' }],
  })),
  // bench/ is a tool, not a service: it fills a data folder through the repositories
  // (provision-fleet.ts), runs the broker over a readings log (broker-child.ts) and times the
  // readings stores themselves (readings-bench.ts), so it may import stores/.
  ...importBoundary('bench', (up) => ({
    patterns: [{ regex: into(up, ['test']), message: TEST_IS_TESTS }],
  })),
  // chaos/ is a tool too, but it judges the platform from outside (HTTP, MQTT, its data folder read
  // back by read-back.ts with plain SQL): it needs no stores/.
  ...importBoundary('chaos', (up) => ({
    patterns: [
      { regex: into(up, ['test']), message: TEST_IS_TESTS },
      { regex: into(up, ['stores']), message: STORES_ARE_PLATFORMS },
    ],
  })),
  ...importBoundary('harness', (up) => ({
    patterns: [
      { regex: into(up, ['test', 'bench', 'chaos']), message: 'harness/ serves the tests, bench/ and chaos/ alike: it imports none of them.' },
      { regex: into(up, ['stores']), message: STORES_ARE_PLATFORMS },
    ],
  })),
]

/**
 * contract/ modules that bring zod with them at run time: those importing it, and those importing
 * (not only as types) or re-exporting such a module. The web app may take types from them, never
 * values, so that zod stays out of the browser bundle; their values live in zod-free modules
 * (alert-values.ts, api-values.ts, circle-values.ts).
 */
function contractModulesWithZod() {
  const dir = join(import.meta.dirname, 'contract')
  const sources = new Map(readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => [f.slice(0, -3), readFileSync(join(dir, f), 'utf8')]))
  const valueImports = (source) =>
    [...source.matchAll(/^(?:import|export)(?! type)\s+(?:\{[^}]*\}|\*(?: as \w+)?|\w+(?:\s*,\s*\{[^}]*\})?)\s+from '(?:zod|\.\/([\w-]+)\.js)'/gm)].map((m) => m[1] ?? 'zod')
  const withZod = new Set()
  for (let grew = true; grew; ) {
    grew = false
    for (const [name, source] of sources) {
      if (!withZod.has(name) && valueImports(source).some((dep) => dep === 'zod' || withZod.has(dep))) {
        withZod.add(name)
        grew = true
      }
    }
  }
  return [...withZod].sort()
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dashboard/dist/**', 'build/**', 'data/**', 'demo-data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/only-throw-error': 'error',
    },
  },
  {
    // The responder web app runs in the browser, not in Node.
    files: ['dashboard/web/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: 'zod stays out of the browser bundle.' }],
          patterns: [
            {
              regex: `/contract/(${contractModulesWithZod().join('|')})\\.js$`,
              allowTypeImports: true,
              message: 'This contract/ module brings zod into the browser bundle: import its types only, and values from a zod-free module (alert-values.ts, api-values.ts, circle-values.ts, metrics.ts).',
            },
          ],
        },
      ],
    },
  },
  ...serviceBoundaries,
  ...contractBoundary,
  {
    // Node's globals too: Buffer and process are not there in the browser.
    files: ['contract/**/*.ts'],
    rules: { 'no-restricted-properties': ['error', { object: 'Buffer', message: NODE_ONLY }, { object: 'process', message: NODE_ONLY }] },
  },
  ...toolBoundaries,
  {
    // A file does one job: past 300 lines it is doing several. Tests may run longer (a suite per subject).
    files: [`**/*.${SOURCES}`],
    ignores: ['test/**', '**/*.test.{ts,tsx}'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Tests read untyped JSON responses; asserting on them is the point. harness/ hands them over.
    files: ['test/**/*.ts', 'harness/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    files: ['eslint.config.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false }, globals: globals.node },
  },
)
