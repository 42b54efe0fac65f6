import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.next/', '.cache/', 'data/', 'prisma/generated/', 'test-results/', 'playwright-report/', 'next-env.d.ts', '.tmp*'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      // User text is never code: conditions and templates go through the expression parser.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'node:vm', message: 'No vm on user input: use the expression language.' }, { name: 'vm', message: 'No vm on user input: use the expression language.' }] }],
    },
  },
  {
    // engine/ is plain TypeScript: it reaches storage and the world through interfaces that
    // server/ implements, so it can be tested and reused without a framework.
    files: ['engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['**/app/**', '**/server/**', '../app/*', '../server/*'], message: 'engine/ must not import from app/ or server/.' },
          { group: ['react', 'react-dom', 'next', 'next/*', '@prisma/*', '**/prisma/generated/**', 'socket.io', 'socket.io-client', 'ws', 'pg', 'better-sqlite3'], message: 'engine/ stays framework-free: take an interface that server/ implements.' },
        ],
        paths: [{ name: 'node:vm', message: 'No vm on user input.' }, { name: 'vm', message: 'No vm on user input.' }],
      }],
    },
  },
  {
    // Plain-JS entry shims run in Node.
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Playwright fixtures must destructure their (possibly empty) dependencies.
    files: ['test/e2e/**/*.ts'],
    rules: { 'no-empty-pattern': 'off' },
  },
);
