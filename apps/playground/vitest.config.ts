import { vqctVitest } from '../../vitest.base.mjs';

// The e2e test builds the site and drives real Chromium: give it room.
export default vqctVitest({ testTimeout: 150_000 });
