#!/usr/bin/env python3
"""Writes the small torch.save-format fixtures in test-fixtures/ (no torch needed).

A fake `torch` module supplies the globals a real checkpoint uses (`torch._utils._rebuild_tensor_v2`,
`torch.FloatStorage`, ...), so Python's own pickler writes the same opcodes `torch.save` does. The
fixtures cover what the shared vectors do not: every dtype, non-contiguous and offset views,
shared storages, protocols 2-5, deflate-compressed zip entries, a newer `archive/` prefix with a
`byteorder` record, and legacy storage views. Run: python3 scripts/make-fixtures.py
"""
import collections, io, json, os, pickle, struct, sys, types, zipfile

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test-fixtures")

torch = types.ModuleType("torch")
utils = types.ModuleType("torch._utils")
torch._utils = utils
sys.modules["torch"] = torch
sys.modules["torch._utils"] = utils

FMT = {"FloatStorage": ("<f", "float32"), "DoubleStorage": ("<d", "float64"), "HalfStorage": ("<e", "float16"),
       "LongStorage": ("<q", "int64"), "IntStorage": ("<i", "int32"), "ShortStorage": ("<h", "int16"),
       "CharStorage": ("<b", "int8"), "ByteStorage": ("<B", "uint8"), "BoolStorage": ("<?", "bool")}
for name in FMT:
    cls = type(name, (), {})
    cls.__module__ = "torch"
    setattr(torch, name, cls)


def _rebuild_tensor_v2(*args):
    raise RuntimeError("fake")


_rebuild_tensor_v2.__module__ = "torch._utils"
utils._rebuild_tensor_v2 = _rebuild_tensor_v2


def _rebuild_parameter(*args):
    raise RuntimeError("fake")


_rebuild_parameter.__module__ = "torch._utils"
utils._rebuild_parameter = _rebuild_parameter


class Storage:
    def __init__(self, cls_name, key, values):
        self.cls = getattr(torch, cls_name)
        self.fmt = FMT[cls_name][0]
        self.key = key
        self.values = values

    def data(self):
        return b"".join(struct.pack(self.fmt, v) for v in self.values)


class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def __reduce_ex__(self, proto):
        return (utils._rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, False, collections.OrderedDict()))

    def values(self):
        out = []
        def rec(d, off):
            if d == len(self.size):
                out.append(self.storage.values[off])
                return
            for i in range(self.size[d]):
                rec(d + 1, off + i * self.stride[d])
        rec(0, self.offset)
        return out


class Parameter:
    def __init__(self, t):
        self.t = t

    def __reduce_ex__(self, proto):
        return (utils._rebuild_parameter, (self.t, True, collections.OrderedDict()))


s_f32 = Storage("FloatStorage", "0", [i * 0.25 - 1 for i in range(24)])
s_f64 = Storage("DoubleStorage", "1", [1.0 / (i + 1) for i in range(12)])
s_f16 = Storage("HalfStorage", "2", [0.5, -2.0, 65504.0, 6.103515625e-05, 5.960464477539063e-08, 0.0])
s_i64 = Storage("LongStorage", "3", [-(2 ** 40), 0, 2 ** 53 + 1, 7])
s_i32 = Storage("IntStorage", "4", [1, -2, 3, -4, 2 ** 31 - 1, -2 ** 31])
s_i16 = Storage("ShortStorage", "5", [-32768, 32767, 5])
s_i8 = Storage("CharStorage", "6", [-128, 127, -1, 0])
s_u8 = Storage("ByteStorage", "7", [0, 255, 128])
s_b = Storage("BoolStorage", "8", [True, False, True])

tensors = collections.OrderedDict()
tensors["w.contig"] = Tensor(s_f32, 0, [2, 3, 4], [12, 4, 1])
tensors["w.alias"] = Tensor(s_f32, 0, [2, 3, 4], [12, 4, 1])  # same storage and view: an alias
tensors["w.transposed"] = Tensor(s_f32, 0, [4, 6], [1, 4])  # non-contiguous
tensors["w.offset"] = Tensor(s_f32, 5, [3, 2], [4, 2])  # offset + strided
tensors["w.scalar"] = Tensor(s_f32, 23, [], [])
tensors["w.empty"] = Tensor(s_f32, 0, [0, 3], [3, 1])
tensors["d.f64"] = Tensor(s_f64, 1, [2, 5], [5, 1])
tensors["d.f16"] = Tensor(s_f16, 0, [6], [1])
tensors["d.i64"] = Tensor(s_i64, 0, [4], [1])
tensors["d.i32"] = Tensor(s_i32, 0, [3, 2], [1, 3])
tensors["d.i16"] = Tensor(s_i16, 0, [3], [1])
tensors["d.i8"] = Tensor(s_i8, 0, [2, 2], [2, 1])
tensors["d.u8"] = Tensor(s_u8, 0, [3], [1])
tensors["d.bool"] = Tensor(s_b, 0, [3], [1])
tensors["p.param"] = Parameter(Tensor(s_f32, 2, [2], [1]))

shared_t = tensors["w.contig"]
obj = {
    "state_dict": tensors,
    "epoch": 7,
    "misc": {
        "lr": 0.1,
        "neg": -123456,
        "big": 2 ** 70 + 5,
        "small_neg_long": -(2 ** 40),
        "none": None,
        "flags": [True, False],
        "tuple3": (1, "two", 3.5),
        "bytes": b"\x00\x01\xffab",
        "unicode": "na\u00efve \u2211",
        "nested": {1: "int key", "list": list(range(30))},
        "same_tensor_twice": [shared_t, shared_t],
    },
}


def expected():
    def enc(v, dtype):
        if dtype == "int64":
            return str(v)
        if dtype == "bool":
            return 1 if v else 0
        return v
    out = {}
    for k, t in tensors.items():
        if isinstance(t, Parameter):
            t = t.t
        dtype = FMT[type(t.storage.cls()).__name__][1]
        out[k] = {"dtype": dtype, "shape": list(t.size), "values": [enc(v, dtype) for v in t.values()]}
    return out


class ZipPickler(pickle.Pickler):
    def __init__(self, f, protocol, seen):
        super().__init__(f, protocol=protocol)
        self.seen = seen

    def persistent_id(self, o):
        if isinstance(o, Storage):
            self.seen[o.key] = o
            return ("storage", o.cls, o.key, "cpu", len(o.values))
        return None


def write_zip(path, protocol, prefix, compression, byteorder):
    seen = {}
    buf = io.BytesIO()
    ZipPickler(buf, protocol, seen).dump(obj)
    with zipfile.ZipFile(path, "w", compression=compression) as z:
        z.writestr(prefix + "data.pkl", buf.getvalue())
        if byteorder:
            z.writestr(prefix + "byteorder", "little")
        for key, s in seen.items():
            z.writestr(prefix + "data/" + key, s.data())
        z.writestr(prefix + "version", "3\n")


class LegacyPickler(pickle.Pickler):
    def __init__(self, f, seen):
        super().__init__(f, protocol=2)
        self.seen = seen

    def persistent_id(self, o):
        if isinstance(o, Storage):
            self.seen[o.key] = o
            return ("storage", o.cls, o.key, "cpu", len(o.values), None)
        if isinstance(o, ViewStorage):
            self.seen[o.root.key] = o.root
            return ("storage", o.root.cls, o.root.key, "cpu", len(o.root.values), (o.key, o.offset, o.size))
        return None


class ViewStorage:
    """A legacy storage view: elements [offset, offset+size) of a root storage."""
    def __init__(self, root, key, offset, size):
        self.root, self.key, self.offset, self.size = root, key, offset, size


def write_legacy(path):
    seen = {}
    f = io.BytesIO()
    pickle.dump(0x1950A86A20F9469CFC6C, f, protocol=2)
    pickle.dump(1001, f, protocol=2)
    pickle.dump({"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}}, f, protocol=2)
    legacy_obj = dict(obj)
    view = ViewStorage(s_f64, "view0", 4, 3)
    legacy_obj["view"] = Tensor(view, 1, [2], [1])  # elements 5, 6 of the root storage
    LegacyPickler(f, seen).dump(legacy_obj)
    keys = sorted(seen.keys())
    pickle.dump(keys, f, protocol=2)
    for key in keys:
        s = seen[key]
        f.write(struct.pack("<q", len(s.values)))
        f.write(s.data())
    with open(path, "wb") as out:
        out.write(f.getvalue())


def write_bad_global(path):
    evil = types.ModuleType("evil")
    sys.modules["evil"] = evil

    def run(*args):
        raise RuntimeError("never")

    run.__module__ = "evil"
    run.__qualname__ = "run"
    evil.run = run

    class Evil:
        def __reduce__(self):
            return (run, ("rm -rf /",))

    buf = io.BytesIO()
    pickle.dump({"x": Evil()}, buf, protocol=2)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("bad_global/data.pkl", buf.getvalue())
        z.writestr("bad_global/version", "3\n")


os.makedirs(OUT, exist_ok=True)
write_bad_global(os.path.join(OUT, "bad_global.pt"))
write_zip(os.path.join(OUT, "zip_p2_stored.pt"), 2, "zip_p2_stored/", zipfile.ZIP_STORED, False)
write_zip(os.path.join(OUT, "zip_p3_deflate.pt"), 3, "zip_p3_deflate/", zipfile.ZIP_DEFLATED, False)
write_zip(os.path.join(OUT, "zip_p4_archive.pt"), 4, "archive/", zipfile.ZIP_DEFLATED, True)
write_zip(os.path.join(OUT, "zip_p5_archive.pt"), 5, "archive/", zipfile.ZIP_STORED, True)
write_legacy(os.path.join(OUT, "legacy_p2.pt"))
exp = expected()
exp["view"] = {"dtype": "float64", "shape": [2], "values": [s_f64.values[5], s_f64.values[6]]}
with open(os.path.join(OUT, "expected.json"), "w") as f:
    json.dump(exp, f, indent=1)
print("wrote", sorted(os.listdir(OUT)))


# Pack the binary fixtures into one JSON file of base64 strings (no binary files in git).
import base64 as _b64
import json as _json

_packed = {}
for _name in sorted(os.listdir(OUT)):
    if _name.endswith(".pt"):
        _p = os.path.join(OUT, _name)
        with open(_p, "rb") as _f:
            _packed[_name] = _b64.b64encode(_f.read()).decode()
        os.remove(_p)
with open(os.path.join(OUT, "pickles.json"), "w") as _f:
    _json.dump(_packed, _f, indent=1)
