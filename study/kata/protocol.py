"""Framing between processes: length-prefixed messages.

Messages from the sandbox (the learner's code) are decoded with
`torch.load(weights_only=True)`, which accepts tensors and plain containers
only, so a hostile solution cannot make the judge run code by sending a
crafted pickle. Messages between our own processes (worker <-> client) are JSON.
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
    import torch

    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def decode_tensors(data: bytes) -> Any:
    import torch

    return torch.load(io.BytesIO(data), weights_only=True)


def encode_json(obj: Any) -> bytes:
    return json.dumps(obj).encode()


def decode_json(data: bytes) -> Any:
    return json.loads(data.decode())
