import { useNodeBackend } from '@vqct/backend-node';

// wasm: a forward pass of the shipped model on 8 images is ~1 s there, ~30 s on the cpu backend.
await useNodeBackend({ backend: (process.env.VQCT_BACKEND ?? 'wasm') as 'wasm', threads: 1 });
