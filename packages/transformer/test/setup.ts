import { useNodeBackend } from '@vqct/backend-node';

await useNodeBackend({ backend: (process.env.VQCT_BACKEND ?? 'cpu') as 'cpu' });
