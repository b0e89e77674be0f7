"""A local keystore directory: the root key, institution signing keys and the personal-data master key.

Private keys are encrypted at rest with the keystore passphrase (PKCS#8 with the best available
encryption for signing keys; AES-256-GCM under an scrypt-derived key for the master key).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from nacl.signing import SigningKey

from domain.errors import DomainError

ROOT_KEY_ID = "root"


def public_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    pub = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


class Keystore:
    def __init__(self, directory: Path, passphrase: str) -> None:
        self.directory = directory
        self._passphrase = passphrase.encode()
        self._signing_keys: dict[str, Ed25519PrivateKey] = {}
        self._record_signers: dict[str, SigningKey] = {}

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
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        )
        _write_private(path, pem)
        self._signing_keys[key_id] = key
        return key

    def signing_key(self, key_id: str) -> Ed25519PrivateKey:
        key = self._signing_keys.get(key_id)
        if key is None:
            try:
                loaded = serialization.load_pem_private_key(self._path(key_id).read_bytes(), self._passphrase)
            except FileNotFoundError:
                raise DomainError(
                    "MISSING_KEY", f"密钥库 {self.directory} 中没有密钥 {key_id} (the keystore holds no key {key_id})."
                ) from None
            except ValueError:
                raise _wrong_passphrase(self.directory) from None
            assert isinstance(loaded, Ed25519PrivateKey)
            key = self._signing_keys[key_id] = loaded
        return key

    def record_signer(self, key_id: str) -> SigningKey:
        """The same key, held by libsodium (PyNaCl), which signs records faster: Ed25519 signatures are
        deterministic, so either makes the same bytes. Key files stay `cryptography`'s."""
        signer = self._record_signers.get(key_id)
        if signer is None:
            signer = self._record_signers[key_id] = SigningKey(self.signing_key(key_id).private_bytes_raw())
        return signer

    def discard_signing_key(self, key_id: str) -> None:
        """Remove a key that was never certified (its certification was refused): no stray key files."""
        self._path(key_id).unlink(missing_ok=True)
        self._signing_keys.pop(key_id, None)
        self._record_signers.pop(key_id, None)

    def root_public_key_hex(self) -> str:
        return (self.directory / "root.pub").read_text().strip()

    def holds_root(self, root_public_key_hex: str) -> bool:
        """Whether this keystore belongs to the ledger whose network has this root key."""
        path = self.directory / "root.pub"
        return path.exists() and path.read_text().strip() == root_public_key_hex

    def create_root_key(self) -> Ed25519PrivateKey:
        key = self.create_signing_key(ROOT_KEY_ID)
        (self.directory / "root.pub").write_text(public_hex(key) + "\n")
        return key

    # ------------------------------------------------------------ personal-data master key
    def master_key(self, create: bool) -> bytes:
        """The key that wraps every applicant's data key. Created only for a new ledger (`create`): for an
        existing one, a new key would make every applicant's data unreadable, so a missing key is an error."""
        path = self.directory / "personal-data-master.key"
        if not path.exists() and not create:
            raise DomainError(
                "MISSING_MASTER_KEY",
                f"个人信息主密钥 {path} 不存在，台账已存在时不会重新生成，请从备份恢复 (the personal-data master key is missing; "
                "it is never regenerated for an existing ledger: restore it from a backup).",
            )
        return self._secret(path, b"tongban-master")

    def principal_token_key(self) -> bytes:
        """The key under which API tokens are hashed (HMAC-SHA-256). It lives here, not in the database, so
        that a row written into the principals table by someone who can write there authenticates nobody.
        Losing it only invalidates the tokens issued: it is created when missing."""
        return self._secret(self.directory / "principal-tokens.key", b"tongban-principal-tokens")

    def _secret(self, path: Path, purpose: bytes) -> bytes:
        """A 256-bit secret kept encrypted under the passphrase (AES-GCM, scrypt), created on first use."""
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            salt, nonce, key = os.urandom(16), os.urandom(12), AESGCM.generate_key(256)
            _write_private(path, salt + nonce + AESGCM(self._kek(salt)).encrypt(nonce, key, purpose))
            return key
        blob = path.read_bytes()
        salt, nonce, wrapped = blob[:16], blob[16:28], blob[28:]
        try:
            return AESGCM(self._kek(salt)).decrypt(nonce, wrapped, purpose)
        except InvalidTag:
            raise _wrong_passphrase(self.directory) from None

    def _kek(self, salt: bytes) -> bytes:
        return Scrypt(salt=salt, length=32, n=2**14, r=8, p=1).derive(self._passphrase)


def _wrong_passphrase(directory: Path) -> DomainError:
    return DomainError(
        "WRONG_PASSPHRASE",
        f"密钥库口令不对（TONGBAN_KEY_PASSPHRASE），无法解开 {directory} 中的密钥 (the keystore passphrase does not open these keys).",
    )


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
