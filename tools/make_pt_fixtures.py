#!/usr/bin/env python3
"""tools/make_pt_fixtures.py: write the .pt fixtures of tests/fixtures/pt with torch.save, in the
layouts the SEA authors' sea-train.py produces (reference script; needs torch and numpy, never a
build dependency). Run from the repository root:  python3 tools/make_pt_fixtures.py

kjv_uu_positive.pt / kjv_uu_negative.pt: the linear-k0.99 projection of kjv-demo
  (tests/fixtures/sea/fit-linear-k0.99.ref.safetensors, U factors) as the authors store it:
  stacked float32 [6, 256, 256], positive U+U+^T, negative I - U-U-^T (what their edit keeps).
small_*: d = 12, 3 layers, random orthonormal bases of known ranks (k+ = 2, 3, 4; k- = 1, 2, 3)
  as stacked, dict (int keys), OrderedDict ("layers.N" keys, shuffled), list, Parameter in
  float16, protocol 4, a transposed view, plus sea-args.json.
bad_*: hostile files that the import must refuse.
"""
import collections
import io
import json
import os
import struct
import zipfile

import numpy as np
import torch

OUT = "tests/fixtures/pt"


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        head = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, t in head.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=np.float32).reshape(t["shape"])
    return out


def save(obj, name, **kw):
    torch.save(obj, os.path.join(OUT, name), **kw)


def kjv():
    t = read_safetensors("tests/fixtures/sea/fit-linear-k0.99.ref.safetensors")
    pos, neg = [], []
    for l in range(6):
        up = t["layers.%d.u_pos_ref" % l].astype(np.float64)
        un = t["layers.%d.u_neg_ref" % l].astype(np.float64)
        pos.append(torch.from_numpy(up @ up.T).float())
        neg.append(torch.from_numpy(np.eye(256) - un @ un.T).float())
    save(torch.stack(pos), "kjv_uu_positive.pt")
    save(torch.stack(neg), "kjv_uu_negative.pt")


def small():
    g = torch.Generator().manual_seed(16)
    d, kp, kn = 12, [2, 3, 4], [1, 2, 3]
    pos, neg = [], []
    for l in range(3):
        q, _ = torch.linalg.qr(torch.randn(d, d, generator=g, dtype=torch.float64))
        up, un = q[:, : kp[l]], q[:, kp[l] : kp[l] + kn[l]]
        pos.append((up @ up.T).float())
        neg.append((torch.eye(d, dtype=torch.float64) - un @ un.T).float())
    P, N = torch.stack(pos), torch.stack(neg)
    save(P, "small_uu_positive.pt")
    save(N, "small_uu_negative.pt")
    save({i: P[i].clone() for i in range(3)}, "small_dict_pos.pt")
    save({i: N[i].clone() for i in range(3)}, "small_dict_neg.pt")
    od = collections.OrderedDict()
    for i in (2, 0, 1):
        od["layers.%d" % i] = N[i].clone()
    save(od, "small_odict_neg.pt")
    save([P[i].clone() for i in range(3)], "small_list_pos.pt")
    save(torch.nn.Parameter(N.half(), requires_grad=False), "small_param_f16_neg.pt")
    save(P, "small_proto4_pos.pt", pickle_protocol=4)
    save(P.transpose(1, 2), "small_view_pos.pt")
    with open(os.path.join(OUT, "small_sea-args.json"), "w") as f:
        json.dump({"demonstration_number": 40, "dataset_name": "fixture", "positive_k_ratio": 0.99,
                   "negative_k_ratio": 0.99, "positive_k_int": None, "negative_k_int": None,
                   "do_mean_subtraction": False, "feature_function": None}, f, indent=4)
    # hostile
    save(0.5 * torch.eye(d).repeat(3, 1, 1), "bad_not_projector.pt")
    good = open(os.path.join(OUT, "small_uu_positive.pt"), "rb").read()
    open(os.path.join(OUT, "bad_truncated.pt"), "wb").write(good[: len(good) // 2])
    save(P, "bad_legacy.pt", _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(os.path.join(OUT, "small_uu_positive.pt")) as z, \
            zipfile.ZipFile(os.path.join(OUT, "bad_compressed.pt"), "w", zipfile.ZIP_DEFLATED) as w:
        for i in z.infolist():
            w.writestr(i.filename, z.read(i.filename))

    def raw(name, pkl, storage=b"\0" * 64):
        with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as w:
            w.writestr("archive/data.pkl", pkl)
            w.writestr("archive/data/0", storage)
            w.writestr("archive/version", "3\n")

    raw("bad_global_os_system.pt", b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00trueq\x00\x85q\x01R.")
    raw("bad_opcode_inst.pt", b"\x80\x02(X\x01\x00\x00\x00xios\nsystem\n.")
    raw("bad_builtins_eval.pt", b"\x80\x02c__builtin__\neval\nX\x01\x00\x00\x001\x85R.")

    def tensor_pkl(numel, size, stride, offset=0):
        b = io.BytesIO()
        b.write(b"\x80\x02ctorch._utils\n_rebuild_tensor_v2\n((X\x07\x00\x00\x00storagectorch\nFloatStorage\n"
                b"X\x01\x00\x00\x000X\x03\x00\x00\x00cpu\x8a\x08" + struct.pack("<q", numel) + b"tQ")
        b.write(b"\x8a\x08" + struct.pack("<q", offset))
        b.write(b"(" + b"".join(b"\x8a\x08" + struct.pack("<q", s) for s in size) + b"t")
        b.write(b"(" + b"".join(b"\x8a\x08" + struct.pack("<q", s) for s in stride) + b"t")
        b.write(b"\x89ccollections\nOrderedDict\n)RtR.")
        return b.getvalue()

    # the storage claims 17 floats but its entry holds 64 bytes
    raw("bad_storage_past_end.pt", tensor_pkl(17, [4, 4], [4, 1]))
    # the tensor reaches past a 16-float storage through its offset
    raw("bad_tensor_past_storage.pt", tensor_pkl(16, [4, 4], [4, 1], offset=1), b"\0" * 64)
    # a shape of 2^40 x 2^40 elements on a 16-float storage
    raw("bad_huge_shape.pt", tensor_pkl(16, [1 << 40, 1 << 40], [1 << 40, 1]), b"\0" * 64)
    # a valid small pair with an extra top-level value on the stack
    raw("bad_stack_leftover.pt", b"\x80\x02K\x01K\x02.")
    raw("bad_untyped_storage.pt", b"\x80\x02ctorch\nUntypedStorage\n.")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    kjv()
    small()
