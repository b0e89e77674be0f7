"""A local keystore directory: the root key, institution signing keys and the personal-data master key.

Private keys are encrypted at rest with the keystore passphrase (PKCS#8 with the best available
encryption for signing keys; AES-256-GCM under an scrypt-derived key for the master key).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

ROOT_KEY_ID = "root"


def public_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


class Keystore:
    def __init__(self, directory: Path, passphrase: str) -> None:
        self.directory = directory
        self._passphrase = passphrase.encode()
        self._signing_keys: dict[str, Ed25519PrivateKey] = {}
        self._active: tuple[float, dict[str, str]] = (-1.0, {})

    # ------------------------------------------------------------ signing keys
    def _path(self, key_id: str) -> Path:
        return self.directory / "signing" / f"{key_id}.pem"

    def has_key(self, key_id: str) -> bool:
        return self._path(key_id).exists()

    def create_signing_key(self, key_id: str) -> Ed25519PrivateKey:
        path = self._path(key_id)
        if path.exists():
            raise FileExistsError(f"key {key_id} already exists in {path.parent}")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        _write_private(path, pem)
        self._signing_keys[key_id] = key
        return key

    def signing_key(self, key_id: str) -> Ed25519PrivateKey:
        key = self._signing_keys.get(key_id)
        if key is None:
            loaded = serialization.load_pem_private_key(self._path(key_id).read_bytes(), self._passphrase)
            assert isinstance(loaded, Ed25519PrivateKey)
            key = self._signing_keys[key_id] = loaded
        return key

    def root_public_key_hex(self) -> str:
        return (self.directory / "root.pub").read_text().strip()

    def create_root_key(self) -> Ed25519PrivateKey:
        key = self.create_signing_key(ROOT_KEY_ID)
        (self.directory / "root.pub").write_text(public_hex(key) + "\n")
        return key

    # ------------------------------------------------------------ which key each institution signs with
    def _active_path(self) -> Path:
        return self.directory / "active-keys.json"

    def active_keys(self) -> dict[str, str]:
        """Institution -> key id it signs with, as of the last refresh."""
        if self._active[0] < 0:
            self.refresh_active_keys()
        return self._active[1]

    def refresh_active_keys(self) -> dict[str, str]:
        """Re-read which key each institution signs with, if another process rotated one."""
        try:
            mtime = self._active_path().stat().st_mtime
        except FileNotFoundError:
            return {}
        if mtime != self._active[0]:
            self._active = (mtime, json.loads(self._active_path().read_text()))
        return self._active[1]

    def set_active_key(self, institution_id: str, key_id: str) -> None:
        active = {**self.active_keys(), institution_id: key_id}
        self._active_path().write_text(json.dumps(active, indent=1, sort_keys=True))
        self._active = (-1.0, {})

    # ------------------------------------------------------------ personal-data master key
    def master_key(self) -> bytes:
        """The key that wraps every applicant's data key (created on first use)."""
        path = self.directory / "personal-data-master.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            salt, nonce, key = os.urandom(16), os.urandom(12), AESGCM.generate_key(256)
            _write_private(path, salt + nonce + AESGCM(self._kek(salt)).encrypt(nonce, key, b"tongban-master"))
            return key
        blob = path.read_bytes()
        salt, nonce, wrapped = blob[:16], blob[16:28], blob[28:]
        return AESGCM(self._kek(salt)).decrypt(nonce, wrapped, b"tongban-master")

    def _kek(self, salt: bytes) -> bytes:
        return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(self._passphrase)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
