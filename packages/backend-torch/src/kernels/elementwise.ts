import type { DataType, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util } from '@tensorflow/tfjs-core';
import { aten } from '../op';
import { kernel } from './define';

/** Binary kernels whose ATen op broadcasts exactly as tfjs does. */
const BINARY: Array<[string, string, 'upcast' | 'bool']> = [
  ['Add', 'add.Tensor', 'upcast'],
  ['Sub', 'sub.Tensor', 'upcast'],
  ['Multiply', 'mul.Tensor', 'upcast'],
  ['Maximum', 'maximum', 'upcast'],
  ['Minimum', 'minimum', 'upcast'],
  ['Pow', 'pow.Tensor_Tensor', 'upcast'],
  ['Atan2', 'atan2', 'upcast'],
  ['Equal', 'eq.Tensor', 'bool'],
  ['NotEqual', 'ne.Tensor', 'bool'],
  ['Less', 'lt.Tensor', 'bool'],
  ['LessEqual', 'le.Tensor', 'bool'],
  ['Greater', 'gt.Tensor', 'bool'],
  ['GreaterEqual', 'ge.Tensor', 'bool'],
  ['LogicalAnd', 'logical_and', 'bool'],
  ['LogicalOr', 'logical_or', 'bool'],
  ['LogicalXor', 'logical_xor', 'bool'],
];

/** Unary kernels: same dtype out (or float32 where tfjs says so). */
const UNARY: Array<[string, string, 'same' | 'float32' | 'bool']> = [
  ['Abs', 'abs', 'same'], ['Neg', 'neg', 'same'], ['Exp', 'exp', 'float32'], ['Expm1', 'expm1', 'float32'],
  ['Log', 'log', 'float32'], ['Log1p', 'log1p', 'float32'], ['Sqrt', 'sqrt', 'float32'], ['Rsqrt', 'rsqrt', 'float32'],
  ['Square', 'square', 'same'], ['Sigmoid', 'sigmoid', 'float32'], ['Tanh', 'tanh', 'float32'], ['Relu', 'relu', 'same'],
  ['Elu', 'elu', 'float32'], ['Selu', 'selu', 'float32'], ['Sign', 'sign', 'same'], ['Floor', 'floor', 'same'],
  ['Ceil', 'ceil', 'same'], ['Round', 'round', 'same'], ['Reciprocal', 'reciprocal', 'float32'], ['Sin', 'sin', 'float32'],
  ['Cos', 'cos', 'float32'], ['Tan', 'tan', 'float32'], ['Asin', 'asin', 'float32'], ['Acos', 'acos', 'float32'],
  ['Atan', 'atan', 'float32'], ['Sinh', 'sinh', 'float32'], ['Cosh', 'cosh', 'float32'], ['Asinh', 'asinh', 'float32'],
  ['Acosh', 'acosh', 'float32'], ['Atanh', 'atanh', 'float32'], ['Erf', 'erf', 'float32'], ['Softplus', 'softplus', 'float32'],
  ['IsNan', 'isnan', 'bool'], ['IsInf', 'isinf', 'bool'], ['IsFinite', 'isfinite', 'bool'], ['LogicalNot', 'logical_not', 'bool'],
];

function outDtype(rule: 'upcast' | 'bool', a: TensorInfo, b: TensorInfo): DataType {
  return rule === 'bool' ? 'bool' : backend_util.upcastType(a.dtype, b.dtype);
}

const binary = BINARY.map(([name, op, rule]) => kernel(name, (b, { a, b: y }) =>
  b.out(aten(op), [b.input(a), b.input(y)], outDtype(rule, a, y))));

const unary = UNARY.map(([name, op, rule]) => kernel(name, (b, { x }) =>
  b.out(aten(op), [b.input(x)], rule === 'same' ? x.dtype : rule)));

const DIV = aten('div.Tensor');
const DIV_MODE = aten('div.Tensor_mode');
const SUB = aten('sub.Tensor');
const MUL = aten('mul.Tensor');
const REMAINDER = aten('remainder.Tensor');
const WHERE = aten('where.self');
const LT_SCALAR = aten('lt.Scalar');
const GT_SCALAR = aten('gt.Scalar');
const CLAMP = aten('clamp');
const HARDTANH = aten('hardtanh');
const LEAKY = aten('leaky_relu');
const MUL_SCALAR = aten('mul.Scalar');
const FULL_LIKE = aten('full_like');
const TO = aten('_to_copy');

const other: KernelConfig[] = [
  kernel('RealDiv', (b, { a, b: y }) => b.out(DIV, [b.input(a), b.input(y)], 'float32')),
  kernel('FloorDiv', (b, { a, b: y }) => b.out(DIV_MODE, [b.input(a), b.input(y), 'floor'], backend_util.upcastType(a.dtype, y.dtype))),
  kernel('Mod', (b, { a, b: y }) => b.out(REMAINDER, [b.input(a), b.input(y)], backend_util.upcastType(a.dtype, y.dtype))),
  kernel('SquaredDifference', (b, { a, b: y }) => {
    const d = b.t(SUB, b.input(a), b.input(y));
    return b.out(MUL, [d, d], backend_util.upcastType(a.dtype, y.dtype));
  }),
  kernel('Prelu', (b, { x, alpha }) => {
    const xi = b.input(x);
    return b.out(WHERE, [b.t(LT_SCALAR, xi, 0), b.t(MUL, xi, b.input(alpha)), xi], 'float32');
  }),
  kernel('LeakyRelu', (b, { x }, { alpha }) => b.out(LEAKY, [b.input(x), alpha], 'float32')),
  kernel('Relu6', (b, { x }) => b.out(HARDTANH, [b.input(x), 0, 6], x.dtype)),
  kernel('Step', (b, { x }, { alpha }) => {
    // tfjs: x > 0 ? 1 : alpha, and NaN stays NaN.
    const xi = b.input(x);
    const ones = b.t(FULL_LIKE, xi, 1);
    const step = b.t(WHERE, b.t(GT_SCALAR, xi, 0), ones, b.t(MUL_SCALAR, ones, alpha as number));
    return b.out(WHERE, [b.t(aten('isnan'), xi), xi, step], x.dtype);
  }),
  kernel('ClipByValue', (b, { x }, { clipValueMin, clipValueMax }) => b.out(CLAMP, [b.input(x), clipValueMin, clipValueMax], x.dtype)),
  kernel('Cast', (b, { x }, { dtype }) => {
    const to = dtype as DataType;
    if (to === x.dtype) return b.alias(x, x.shape);
    // tfjs casts to bool as x != 0.
    if (to === 'bool') return b.out(aten('ne.Scalar'), [b.input(x), 0], 'bool');
    return b.out(TO, [b.input(x), to], to);
  }),
  kernel('Identity', (b, { x }) => b.alias(x, x.shape)),
  kernel('AddN', (b, inputs) => {
    const xs = Object.values(inputs) as TensorInfo[];
    let acc = b.input(xs[0]);
    for (let i = 1; i < xs.length; i++) acc = b.t(aten('add.Tensor'), acc, b.input(xs[i]));
    return b.output(b.temp(aten('clone'), [acc]), xs[0].dtype);
  }),
  kernel('Select', (b, { condition, t, e }) => {
    let cond = b.input(condition);
    // tfjs allows a rank-1 condition over the first dim of t.
    if (condition.shape.length === 1 && t.shape.length > 1) cond = b.t(aten('reshape'), cond, [condition.shape[0], ...t.shape.slice(1).map(() => 1)]);
    return b.out(WHERE, [cond, b.input(t), b.input(e)], backend_util.upcastType(t.dtype, e.dtype));
  }),
];

export const ELEMENTWISE_KERNELS: KernelConfig[] = [...binary, ...unary, ...other];
