import type { TorchNative } from './native';

/**
 * An ATen operator by its schema name (`aten::add.Tensor`), resolved to a
 * dispatcher handle on first use. Kernels keep these as module constants.
 */
export class Op {
  private handle = -1;
  private native: TorchNative | null = null;
  readonly name: string;
  readonly overload: string;

  constructor(readonly qualified: string) {
    const dot = qualified.indexOf('.');
    this.name = dot < 0 ? qualified : qualified.slice(0, dot);
    this.overload = dot < 0 ? '' : qualified.slice(dot + 1);
  }

  resolve(native: TorchNative): number {
    if (this.native !== native) {
      this.handle = native.op(this.name, this.overload);
      this.native = native;
    }
    return this.handle;
  }
}

const registry = new Map<string, Op>();

/** The shared Op for a schema name. */
export function aten(qualified: string): Op {
  const name = qualified.startsWith('aten::') ? qualified : `aten::${qualified}`;
  let op = registry.get(name);
  if (op == null) registry.set(name, (op = new Op(name)));
  return op;
}
