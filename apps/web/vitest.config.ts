import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// One browser test: it builds the app, serves it and drives Chromium, so it gets minutes.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 180_000, hookTimeout: 180_000 } }));
