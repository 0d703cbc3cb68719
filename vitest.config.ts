import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@common': resolve(import.meta.dirname, 'electron/common') } },
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
  },
});
