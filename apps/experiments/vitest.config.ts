import { vqctVitest } from '../../vitest.base.mjs';

// The smoke run trains two variants for a few dozen steps: allow a few minutes on a loaded machine.
export default vqctVitest({ testTimeout: 300_000 });
