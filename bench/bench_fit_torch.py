#!/usr/bin/python3
"""bench/bench_fit_torch.py: the released SEA code's fitting route (yfqiu-nlp/sea-llm,
sea-train.py), as the baseline for bench/bench_fit.c.

For each side: form the d x d cross-covariance Omega = H^T H+/- / N in float64, take the full
SVD (torch.linalg.svd, full_matrices=True), k = first index where the cumulative s**2/sum(s**2)
reaches K, U[:, :k]. (The released code also calls torch.linalg.matrix_rank on the same
matrices, i.e. a third SVD each, whose result it then fails to use (paper notes D4); it is left
out here, which makes the baseline faster, not slower.)

usage: bench_fit_torch.py ACTS.safetensors OUT.safetensors K THREADS
Writes U+ and U- (F32 [d, k]) and the time of the route (forming + SVDs) in the metadata.
Needs python3-torch (Debian) and numpy.
"""
import json
import struct
import sys
import time

import numpy as np
import torch


def read_safetensors(path):
    b = open(path, 'rb').read()
    n = struct.unpack('<Q', b[:8])[0]
    h = json.loads(b[8:8 + n])
    h.pop('__metadata__', None)
    out = {}
    for k, v in h.items():
        s, e = v['data_offsets']
        assert v['dtype'] == 'F32'
        out[k] = np.frombuffer(b[8 + n + s:8 + n + e], dtype='<f4').reshape(v['shape'])
    return out


def write_safetensors(path, tensors, meta):
    hdr, off, blobs = {}, 0, []
    for k in sorted(tensors):
        a = np.ascontiguousarray(tensors[k], dtype='<f4')
        hdr[k] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + a.nbytes]}
        off += a.nbytes
        blobs.append(a.tobytes())
    hdr['__metadata__'] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(hdr, separators=(',', ':')).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


def ev_id(s, K):
    r = torch.cumsum(s ** 2, 0) / torch.sum(s ** 2)
    idx = torch.nonzero(r >= K)
    return int(idx[0]) + 1 if len(idx) else len(s)


def main():
    acts, out, K, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    t = read_safetensors(acts)
    layer = 0
    base = torch.from_numpy(t['base'][:, layer, :].copy()).double()
    res, ks = {}, {}
    t0 = time.perf_counter()
    for name in ('positive', 'negative'):
        h = torch.from_numpy(t[name][:, layer, :].copy()).double()
        omega = base.T @ h / base.shape[0]          # d x d, neutral on the left
        U, s, Vh = torch.linalg.svd(omega, full_matrices=True)
        k = ev_id(s, K)
        key = 'u_pos' if name == 'positive' else 'u_neg'
        res[key] = U[:, :k].float().numpy()
        ks[key] = k
    seconds = time.perf_counter() - t0
    write_safetensors(out, res, {'seconds': f'{seconds:.3f}', 'k_pos': ks['u_pos'], 'k_neg': ks['u_neg'],
                                 'threads': threads, 'torch': torch.__version__})


if __name__ == '__main__':
    main()
