"""The fixture scripts' safetensors writer: float32 / int32 tensors, names sorted, header padded to 8 bytes
(the layout the engine's own reader expects, and that `safetensors.torch.load_file` reads)."""
import json
import struct

import torch


def save(path, tensors):
    names = sorted(tensors)
    header, blobs, at = {}, [], 0
    for n in names:
        t = tensors[n].detach().contiguous()
        if t.dtype in (torch.int64, torch.int32):
            t, dt = t.to(torch.int32), "I32"
        else:
            t, dt = t.to(torch.float32), "F32"
        b = t.numpy().tobytes()
        header[n] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
