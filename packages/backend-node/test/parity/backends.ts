import { torchAvailability } from '@vqct/backend-torch';

export type ParityBackend = 'cpu' | 'wasm' | 'torch';

/** The backends held to the cpu reference: wasm always, torch where libtorch is built. */
export const PARITY_BACKENDS: ParityBackend[] = ['wasm', ...(torchAvailability().available ? ['torch' as const] : [])];
