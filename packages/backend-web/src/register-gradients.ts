// tfjs-core alone registers no gradients; training needs them. Bundled at
// build time like @vqct/backend-node does: see tsup.config.ts.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
