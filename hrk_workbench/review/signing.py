"""The approver's own Ed25519 key: made on first use, kept in the user's configuration folder.

The private key lives in ``$XDG_CONFIG_HOME/hrk-workbench/keys/`` (else ``~/.config/…``),
readable by its owner only, optionally protected by a passphrase. The passphrase is asked
only on a terminal (``getpass``) and is never written anywhere; without a terminal a
protected key cannot be used, and the command says so instead of waiting for input.
"""

from __future__ import annotations

import base64
import contextlib
import getpass
import hashlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hrk_workbench.foundations.problems import InputError, Problem

KEY_FILE = "approval-ed25519.pem"
Passphrase = Callable[[bool], str | None]
"""Asked for the passphrase: True when creating a key (empty: none), False when opening."""


def config_home() -> Path:
    """``$XDG_CONFIG_HOME``, else ``~/.config`` (the XDG base directory rule)."""
    env = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return Path(env) if env and Path(env).is_absolute() else Path.home() / ".config"


def key_path() -> Path:
    return config_home() / "hrk-workbench" / "keys" / KEY_FILE


def public_text(key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key, base64: what an approval stores."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def fingerprint(public_key_b64: str) -> str:
    """``SHA256:`` and the unpadded base64 of the key's SHA-256, as OpenSSH shows keys."""
    try:
        raw = base64.b64decode(public_key_b64, validate=True)
    except ValueError:
        raw = public_key_b64.encode("utf-8")
    return "SHA256:" + base64.b64encode(hashlib.sha256(raw).digest()).decode().rstrip("=")


def terminal_passphrase(creating: bool) -> str | None:
    """The passphrase from the terminal, or None when there is no terminal to ask on."""
    if not sys.stdin.isatty():
        return None
    if creating:
        first = getpass.getpass("Passphrase for your new approval key (empty for none): ")
        if first and getpass.getpass("Same passphrase again: ") != first:
            raise InputError(str(key_path()), [Problem(
                "$", "the two passphrases differ", "the same passphrase twice",
                code="key_passphrase_mismatch")])
        return first
    return getpass.getpass(f"Passphrase for {key_path()}: ")


def load_or_create_key(ask: Passphrase = terminal_passphrase) -> tuple[Ed25519PrivateKey, bool]:
    """The user's signing key and whether it was created now (then with the passphrase
    ``ask(True)`` gives, none when empty or no terminal)."""
    path = key_path()
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        secret = ask(True) or ""
        _write_private(path, key, secret)
        return key, True
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), [Problem(
            "$", f"cannot read: {exc.strerror}", code="cannot_read",
            params={"detail": exc.strerror or str(exc), "errno": exc.errno})]) from None
    encrypted = b"ENCRYPTED" in data.split(b"\n", 1)[0]
    secret = None
    if encrypted:
        secret = ask(False)
        if secret is None:
            raise InputError(str(path), [Problem(
                "$", "the approval key is protected by a passphrase, which is asked only on "
                     "a terminal", "a terminal to type the passphrase on",
                code="key_needs_terminal")])
    try:
        key = serialization.load_pem_private_key(
            data, password=secret.encode("utf-8") if secret else None)
    except (ValueError, TypeError):
        raise InputError(str(path), [Problem(
            "$", "wrong passphrase, or not an approval key" if encrypted
            else "not an approval key", "the key HRK Workbench made, and its passphrase",
            code="key_unreadable")]) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise InputError(str(path), [Problem("$", "not an Ed25519 key",
                                             "the key HRK Workbench made",
                                             code="key_unreadable")])
    return key, False


def _write_private(path: Path, key: Ed25519PrivateKey, secret: str) -> None:
    """PKCS#8 PEM, mode 0600 from the start (never readable by others, not even briefly)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    algorithm: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret.encode("utf-8")) if secret
        else serialization.NoEncryption())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            algorithm)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)


def sign(key: Ed25519PrivateKey, payload: bytes) -> str:
    return base64.b64encode(key.sign(payload)).decode("ascii")


def signature_ok(public_key_b64: str, signature_b64: str, payload: bytes) -> bool:
    """Whether ``signature`` is the key's signature of ``payload``; any malformed part
    (not base64, a key of the wrong length) is simply not a valid signature."""
    try:
        public = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(public_key_b64, validate=True))
        public.verify(base64.b64decode(signature_b64, validate=True), payload)
    except (InvalidSignature, ValueError):
        return False
    return True
