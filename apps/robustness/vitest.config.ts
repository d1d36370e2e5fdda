import { vqctVitest } from '../../vitest.base.mjs';

export default vqctVitest({ testTimeout: 300_000 });
