// tfjs-core alone registers no gradients (the @tensorflow/tfjs umbrella does
// this import). Training needs them, so the adapter that picks the backend
// registers them too. Bundled at build time: see tsup.config.ts.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
