"""Framing between processes: length-prefixed messages.

Messages from the sandbox (the learner's code) hold tensors and plain containers
only, decoded from JSON and checked raw bytes, or with
`torch.load(weights_only=True)`: a hostile solution cannot make the judge run
code by sending a crafted frame. Messages between our own processes (worker <->
client) are JSON.
"""

from __future__ import annotations

import io
import json
import os
import socket
import struct
from typing import Any

_LEN = struct.Struct("!I")
MAX_FRAME = 512 * 1024 * 1024


def write_frame(fd: int, payload: bytes) -> None:
    data = _LEN.pack(len(payload)) + payload
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes | None:
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes | None:
    head = read_exact(fd, _LEN.size)
    if head is None:
        return None
    (n,) = _LEN.unpack(head)
    if n > MAX_FRAME:
        raise ValueError(f"frame of {n} bytes is too large")
    return read_exact(fd, n)


def send_frame(sock: socket.socket, payload: bytes) -> None:
    """Like write_frame, for a socket (which may have a timeout: no raw fd I/O then)."""
    sock.sendall(_LEN.pack(len(payload)) + payload)


def recv_frame(sock: socket.socket) -> bytes | None:
    def exact(n: int) -> bytes | None:
        chunks = []
        while n:
            chunk = sock.recv(min(n, 1 << 20))
            if not chunk:
                return None
            chunks.append(chunk)
            n -= len(chunk)
        return b"".join(chunks)

    head = exact(_LEN.size)
    if head is None:
        return None
    (n,) = _LEN.unpack(head)
    if n > MAX_FRAME:
        raise ValueError(f"frame of {n} bytes is too large")
    return exact(n)


def encode_tensors(obj: Any) -> bytes:
    """Plain containers and tensors, for the judge <-> sandbox channel.

    Most messages (a case's inputs, a result's outputs: dense CPU tensors) go as a JSON
    header and the tensors' raw bytes: a tenth of torch.save's time, and each check sends
    dozens. Anything else (views, shared storages, subclasses, other devices, unusual
    dtypes) goes through torch.save, so nothing about a tensor is lost on the wire.
    """
    try:
        return _fast_encode(obj)
    except _Unplain:
        import torch

        buf = io.BytesIO()
        torch.save(obj, buf)
        return buf.getvalue()


def decode_tensors(data: bytes) -> Any:
    """The inverse; never runs code from the bytes (the sandbox's are hostile): the fast
    form is JSON and checked raw bytes, the other is read with weights_only=True."""
    import torch

    if data[:len(_MAGIC)] == _MAGIC:
        return _fast_decode(data)
    return torch.load(io.BytesIO(data), weights_only=True)


_MAGIC = b"STUDYW1\n"
_HEAD = struct.Struct("!Q")
_DTYPES = ("float64", "float32", "float16", "bfloat16", "int64", "int32", "int16", "int8",
           "uint8", "bool", "complex64", "complex128")


class _Unplain(Exception):
    """A message the fast form cannot carry exactly."""


def _fast_encode(obj: Any) -> bytes:
    import torch

    tensors: list[Any] = []
    storages: set[int] = set()

    def enc(value: Any) -> Any:
        if value is None or type(value) in (bool, int, float, str):
            return value
        kind = type(value)
        if kind is list:
            return {"l": [enc(v) for v in value]}
        if kind is tuple:
            return {"u": [enc(v) for v in value]}
        if kind is dict:
            if not all(type(k) is str for k in value):
                raise _Unplain
            return {"d": {k: enc(v) for k, v in value.items()}}
        if kind is torch.Tensor:
            t = value
            name = str(t.dtype).removeprefix("torch.")
            if (name not in _DTYPES or t.device.type != "cpu" or t.grad_fn is not None
                    or not t.is_contiguous() or t.storage_offset() != 0 or t.is_conj()
                    or t.is_neg()
                    or t.untyped_storage().nbytes() != t.numel() * t.element_size()):
                raise _Unplain
            if t.numel():
                ptr = t.untyped_storage().data_ptr()
                if ptr in storages:
                    raise _Unplain  # shared storage: torch.save keeps the sharing
                storages.add(ptr)
            tensors.append(t)
            return {"t": len(tensors) - 1}
        raise _Unplain

    head = enc(obj)
    blobs = [t.detach().reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
             for t in tensors]
    meta, offset = [], 0
    for t, blob in zip(tensors, blobs, strict=True):
        meta.append([str(t.dtype).removeprefix("torch."), list(t.shape), offset, len(blob),
                     bool(t.requires_grad)])
        offset += len(blob)
    header = json.dumps({"v": head, "t": meta}).encode()
    return b"".join([_MAGIC, _HEAD.pack(len(header)), header, *blobs])


def _fast_decode(data: bytes) -> Any:
    import torch

    start = len(_MAGIC) + _HEAD.size
    (n,) = _HEAD.unpack_from(data, len(_MAGIC))
    header = json.loads(data[start:start + n].decode())
    blob = memoryview(data)[start + n:]
    if not isinstance(header, dict) or not isinstance(header.get("t"), list):
        raise ValueError("bad header")
    tensors = []
    for entry in header["t"]:
        name, shape, offset, size, grad = entry
        if (name not in _DTYPES or not isinstance(shape, list)
                or not all(type(d) is int and d >= 0 for d in shape)
                or type(offset) is not int or type(size) is not int or offset < 0
                or offset + size > len(blob) or type(grad) is not bool):
            raise ValueError("bad tensor")
        dtype = getattr(torch, name)
        numel = 1
        for d in shape:
            numel *= d
        itemsize = torch.empty((), dtype=dtype).element_size()
        if numel * itemsize != size:
            raise ValueError("bad tensor size")
        if size:
            t = torch.frombuffer(bytearray(blob[offset:offset + size]), dtype=torch.uint8)
            t = t.view(dtype).reshape(shape)
        else:
            t = torch.empty(shape, dtype=dtype)
        tensors.append(t.requires_grad_() if grad else t)

    def dec(value: Any) -> Any:
        if value is None or type(value) in (bool, int, float, str):
            return value
        if type(value) is not dict or len(value) != 1:
            raise ValueError("bad value")
        ((tag, inner),) = value.items()
        if tag == "l" and type(inner) is list:
            return [dec(v) for v in inner]
        if tag == "u" and type(inner) is list:
            return tuple(dec(v) for v in inner)
        if tag == "d" and type(inner) is dict:
            return {k: dec(v) for k, v in inner.items()}
        if tag == "t" and type(inner) is int and 0 <= inner < len(tensors):
            return tensors[inner]
        raise ValueError("bad value")

    return dec(header["v"])


def encode_json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def decode_json(data: bytes) -> Any:
    return json.loads(data.decode())
