"""Authentication between the client and the worker, without torch.

A random secret sits in a 0600 file beside the worker's socket, in a folder
private to the user. Each message carries a fresh nonce and an HMAC of its body
under the secret; the answer carries the HMAC of its own body and the same
nonce. Neither side ever sends the secret, so a process that bound the socket
path cannot learn it, and one without it can neither ask nor answer.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path
from typing import Any


def _canonical(role: str, nonce: str, body: dict[str, Any]) -> bytes:
    return json.dumps([role, nonce, body], sort_keys=True, separators=(",", ":")).encode()


def mac(token: bytes, role: str, nonce: str, body: dict[str, Any]) -> str:
    return hmac.new(token, _canonical(role, nonce, body), hashlib.sha256).hexdigest()


def verify(token: bytes, role: str, nonce: str, body: dict[str, Any], given: str) -> bool:
    return bool(nonce) and hmac.compare_digest(mac(token, role, nonce, body), given)


def nonce() -> str:
    return secrets.token_hex(16)


def read_token(path: Path) -> bytes:
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


def ensure_token(path: Path) -> bytes:
    """The home's secret, made on first use (0600, never replaced while it exists)."""
    if not path.exists():
        # Written aside, then linked into place: a reader never sees half a secret, and
        # of two clients starting at once the first link wins.
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    st = path.stat()
    if st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise PermissionError(f"{path} must belong to you alone (mode 0600)")
    return read_token(path)
