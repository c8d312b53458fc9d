// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      // Type information from the project's tsconfig.json, which includes every linted TypeScript file.
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // `string[]` for simple element types, `Array<…>` for the others (unions, object types, functions).
      '@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
      // `text || fallback` deliberately treats an empty string (a blank option, an empty header) as missing,
      // and `a || b` on booleans is plain logic; `??` is required for every other type.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true, boolean: true } }],
      // Handlers and fakes implement Promise-returning contracts; an `async` one without `await` turns a throw
      // into a rejection, which is what its callers handle. Dropping `async` to satisfy the rule would not.
      '@typescript-eslint/require-await': 'off',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain JavaScript (this file, small launchers) is outside the TypeScript project.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['scripts/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The product never imports the sandbox (packages/sandbox): it is not in the build or the image.
    // scripts/check-cycles.ts checks the same for every import, dynamic ones included.
    files: ['src/**', 'commands/**', 'scripts/deploy-commands.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)packages/|^@valentina-bot/',
              message: 'The bot never imports the sandbox (packages/sandbox); only tests, scripts and the demo do.',
            },
          ],
        },
      ],
    },
  },
);
