/**
 * A model of @vqct/models (the playground opens on emoji-32), fetched from the
 * site's models/ folder and built by the package's own loader: every file is
 * checked against the card's sha256, so a stale or corrupt copy is refused.
 */
import { checkPretrainedName, fetchPretrainedBytes, loadPretrainedFromBytes } from '@vqct/models';
import type { ShippedLoader } from './engine';
import { vqctEngine } from './vqct-engine';

export const loadShippedEngine: ShippedLoader = async (name, baseUrl) => {
  const bytes = await fetchPretrainedBytes(checkPretrainedName(name), { baseUrl });
  const m = loadPretrainedFromBytes(name, bytes);
  const { version, description, heldOut } = m.card;
  return vqctEngine(m, m.name, { version, description, heldOut: { images: heldOut.images, psnr: heldOut.psnr, ssim: heldOut.ssim } });
};
