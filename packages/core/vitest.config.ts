import { vqctVitest } from '../../vitest.base';

export default vqctVitest();
