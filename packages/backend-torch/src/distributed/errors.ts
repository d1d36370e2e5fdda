/**
 * A collective that could not run: the rendezvous failed or timed out, a peer
 * died, a bad launch environment. `code` follows the vqct error family
 * (`E_*`), so apps report it as a user/environment problem (exit 1).
 */
export class DistributedError extends Error {
  readonly code = 'E_DISTRIBUTED';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DistributedError';
  }
}
