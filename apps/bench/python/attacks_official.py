"""Official side of the evaluation benchmark (apps/bench/src/attacks-bench.ts runs this in the same job).

Times the official fra31/auto-attack code (a checkout given by the caller, imported from its folder,
never copied here) on the shared robust WRN-16-2 (`shared/vectors/autoattack/model.safetensors`,
JEM layout: see that folder's README and the spec section 2.1) and the first n records of a CIFAR-10
binary file, Linf eps 8/255:
  apgd-ce, apgd-t, fab-t, square: AutoAttack(model, norm='Linf', eps=8/255, version='standard', seed=0)
      with attacks_to_run = [that attack] (what run_standard_evaluation_individual does), then
      run_standard_evaluation(x, y, bs=bs)
  standard: the same object with its standard list
  pgd20: Madry PGD-20 (step 2/255, random start U(-eps, eps), CE), written here (fra31 has no PGD)
The model is the WideResNet of speed_torch.py with the safetensors weights and (x - 0.5) / 0.5 in front.
Argument: one JSON object {autoattack, model, data, n, threads, bs, attacks}.
Prints one JSON object on stdout: {"torch", "threads", "blas", "results": [{attack, seconds, robust_accuracy, clean_accuracy}]}.
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from speed_torch import WRN  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    (hlen,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + hlen])
    out = {}
    for key, meta in header.items():
        if key == "__metadata__":
            continue
        if meta["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {key} has dtype {meta['dtype']}, expected F32")
        a, b = meta["data_offsets"]
        out[key] = torch.from_numpy(np.frombuffer(raw, dtype="<f4", count=(b - a) // 4, offset=8 + hlen + a).copy()).reshape(meta["shape"])
    return out


def official_key(key):
    """Maps our WRN's state-dict key to the official EB-JDAT name (f.layerL.i..., f.bn1, class_output)."""
    parts = key.split(".")
    if parts[0] == "blocks":
        i = int(parts[1])
        rest = parts[2:]
        if rest[0] == "shortcut":
            rest = ["shortcut", "0"] + rest[1:]
        return ".".join(["f", f"layer{i // 2 + 1}", str(i % 2)] + rest)
    if parts[0] == "conv1":
        return "f." + key
    if parts[0] == "bn":
        return "f.bn1." + ".".join(parts[1:])
    if parts[0] == "fc":
        return "class_output." + ".".join(parts[1:])
    raise KeyError(key)


class Normalised(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net((x - 0.5) / 0.5)


def load_model(path):
    net = WRN(16, 2)
    weights = read_safetensors(path)
    state = {}
    for key, value in net.state_dict().items():
        if key.endswith("num_batches_tracked"):
            state[key] = value
            continue
        state[key] = weights[official_key(key)]
    net.load_state_dict(state)
    return Normalised(net).eval()


def read_cifar(path, n):
    rec = 3073
    raw = np.fromfile(path, dtype=np.uint8)
    if raw.size < n * rec:
        raise ValueError(f"{path}: {raw.size // rec} records, expected at least {n}")
    raw = raw[: n * rec].reshape(n, rec)
    y = torch.from_numpy(raw[:, 0].astype(np.int64))
    x = torch.from_numpy(raw[:, 1:].reshape(n, 3, 32, 32).astype(np.float32) / 255.0)
    return x, y


def accuracy(model, x, y, bs):
    correct = 0
    with torch.no_grad():
        for s in range(0, x.shape[0], bs):
            correct += (model(x[s:s + bs]).argmax(1) == y[s:s + bs]).sum().item()
    return correct / x.shape[0]


def pgd20(model, x, y, eps, bs):
    step = 2 / 255
    out = []
    gen = torch.Generator().manual_seed(0)
    for s in range(0, x.shape[0], bs):
        xb, yb = x[s:s + bs], y[s:s + bs]
        delta = (torch.rand(xb.shape, generator=gen) * 2 - 1) * eps
        delta = torch.clamp(xb + delta, 0, 1) - xb
        for _ in range(20):
            delta.requires_grad_(True)
            loss = F.cross_entropy(model(xb + delta), yb, reduction="sum")
            (g,) = torch.autograd.grad(loss, delta)
            delta = torch.clamp(delta.detach() + step * g.sign(), -eps, eps)
            delta = torch.clamp(xb + delta, 0, 1) - xb
        out.append((xb + delta).detach())
    return torch.cat(out)


def blas_in_use():
    try:
        return os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:
        return "unknown"


def main():
    cfg = json.loads(sys.argv[1])
    torch.set_num_threads(cfg.get("threads", 2))
    sys.path.insert(0, cfg["autoattack"])
    from autoattack import AutoAttack

    model = load_model(cfg["model"])
    x, y = read_cifar(cfg["data"], cfg["n"])
    eps = 8 / 255
    bs = cfg.get("bs", 250)
    clean = accuracy(model, x, y, bs)
    pgd20(model, x, y, eps, bs)  # warm-up, untimed (as the TypeScript side)
    results = []
    for name in cfg["attacks"]:
        t = time.perf_counter()
        if name == "pgd20":
            x_adv = pgd20(model, x, y, eps, bs)
        else:
            adversary = AutoAttack(model, norm="Linf", eps=eps, version="standard", seed=0, device="cpu", verbose=False)
            if name != "standard":
                adversary.attacks_to_run = [name]
            x_adv = adversary.run_standard_evaluation(x, y, bs=bs)
        seconds = time.perf_counter() - t
        results.append({"attack": name, "seconds": seconds, "robust_accuracy": accuracy(model, x_adv, y, bs), "clean_accuracy": clean})
        print(f"official {name}: {seconds:.1f} s", file=sys.stderr, flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_in_use(), "results": results}))


if __name__ == "__main__":
    main()
