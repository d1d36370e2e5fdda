// The consumer test's browser entry: bundled by Vite; nothing Node-only may end up in it.
import * as tf from '@tensorflow/tfjs-core';
import { useWebBackend } from '@vqct/backend-web';
import { createVqModel, resolveVqModelConfig, VariableCodebookSource } from '@vqct/vq';

const report = await useWebBackend({ backend: 'wasm' });
const config = resolveVqModelConfig('tiny');
const values = tf.randomNormal([3 + 5, config.codeDim], 0, 1, 'float32', 1) as tf.Tensor2D;
const source = new VariableCodebookSource(3, 5, values);
const model = createVqModel(config, { codebook: source, seed: 1 });
const images = tf.randomUniform([1, 8, 8, 3], -1, 1, 'float32', 2) as tf.Tensor4D;
const tokens = model.encode(images);
document.body.textContent = `${report.name}: tokens ${tokens.shape.join('x')}`;
