import type { ViteUserConfig } from 'vitest/config';
import type { TestUserConfig } from 'vitest/node';

export function vqctVitest(test?: TestUserConfig): ViteUserConfig;
