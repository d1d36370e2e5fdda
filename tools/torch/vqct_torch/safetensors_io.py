"""safetensors read/write with torch alone (no pickle, no `safetensors` package).

The format: 8 bytes little-endian header length, a JSON header (tensor name ->
dtype, shape, data_offsets; optional "__metadata__" of strings), then the raw
little-endian data. Files written here open with `safetensors.torch.load_file`
and vice versa.
"""
import json
import os
import struct

import torch

_DTYPES = {
    'F32': torch.float32,
    'F64': torch.float64,
    'F16': torch.float16,
    'BF16': torch.bfloat16,
    'I32': torch.int32,
    'I64': torch.int64,
    'U8': torch.uint8,
    'BOOL': torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}


def load(path):
    """Returns ({name: tensor}, {metadata key: string}). Never runs code."""
    with open(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f'{path}: not a safetensors file (only {len(raw)} bytes)')
    (n,) = struct.unpack('<Q', raw[:8])
    if n > len(raw) - 8:
        raise ValueError(f'{path}: not a safetensors file (header length {n} past the end; a .ckpt pickle? use ckpt_to_safetensors.py)')
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', {}) or {}
    base = 8 + n
    out = {}
    for name, info in header.items():
        dtype = _DTYPES.get(info['dtype'])
        if dtype is None:
            raise ValueError(f'{path}: tensor {name!r} has unsupported dtype {info["dtype"]}')
        begin, end = info['data_offsets']
        buf = bytearray(raw[base + begin:base + end])
        t = torch.frombuffer(buf, dtype=dtype) if len(buf) > 0 else torch.empty(0, dtype=dtype)
        out[name] = t.reshape(info['shape'])
    return out, meta


def save(path, tensors, metadata=None):
    """Writes tensors (contiguous copies, CPU) in name order, plus string metadata."""
    header = {}
    if metadata:
        header['__metadata__'] = {str(k): str(v) for k, v in metadata.items()}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in _NAMES:
            raise ValueError(f'tensor {name!r}: dtype {t.dtype} cannot be saved')
        data = t.numpy().tobytes() if t.dtype != torch.bfloat16 else t.view(torch.int16).numpy().tobytes()
        header[name] = {'dtype': _NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    js = json.dumps(header, separators=(',', ':')).encode('utf-8')
    js += b' ' * ((8 - len(js) % 8) % 8)
    tmp = f'{path}.tmp'
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
