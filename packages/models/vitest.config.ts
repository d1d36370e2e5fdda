import { vqctVitest } from '../../vitest.base.mjs';

export default vqctVitest({ setupFiles: ['./test/setup.ts'] });
