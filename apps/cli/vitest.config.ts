import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// The end-to-end tests start the built binary many times: give them room on 2 cores.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 120_000 } }));
