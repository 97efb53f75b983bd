"""TLS settings of an API: a custom CA bundle and a client certificate (mutual TLS).

The certificate is a file the user names; its private key is a secret and
lives in the secret store, never in a file of ours. Python's :mod:`ssl` reads
keys only from files, so :func:`ssl_context` writes the key re-encrypted with
a random one-time password to a private temporary file, loads it and deletes
it at once: what touches the disk is never the key in the clear.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import ssl
import tempfile
from dataclasses import dataclass, field

from designer.core.errors import TLSError

__all__ = ["TlsSettings", "ssl_context"]


@dataclass(frozen=True, slots=True)
class TlsSettings:
    """What an API adds to the default TLS configuration."""

    ca_bundle: str = ""
    certificate: str = ""
    private_key: str = field(default="", repr=False)
    key_password: str = field(default="", repr=False)

    @property
    def key(self) -> tuple[str, str, str]:
        """Identifies the configuration without holding the key itself."""
        digest = hashlib.sha256(f"{self.private_key}\0{self.key_password}".encode()).hexdigest()
        return self.ca_bundle, self.certificate, digest


def ssl_context(settings: TlsSettings, verify: bool | str = True) -> ssl.SSLContext:
    """The SSL context of ``settings`` on top of the default verification ``verify``."""
    context = ssl.create_default_context()
    if verify is False:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    elif isinstance(verify, str):
        _load_ca(context, verify)
    if settings.ca_bundle:
        _load_ca(context, settings.ca_bundle)
    if settings.certificate or settings.private_key:
        _load_client_certificate(context, settings)
    return context


def _load_ca(context: ssl.SSLContext, path: str) -> None:
    try:
        if os.path.isdir(path):
            context.load_verify_locations(capath=path)
        else:
            context.load_verify_locations(cafile=path)
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(
            f"CA bundle '{path}' cannot be loaded ({exc}): check that the file exists and "
            f"holds PEM certificates"
        ) from exc


def _load_client_certificate(context: ssl.SSLContext, settings: TlsSettings) -> None:
    if not settings.certificate:
        raise TLSError("The client certificate is not set: choose its PEM file")
    if not settings.private_key:
        raise TLSError("The private key of the client certificate is not set: load its key file")
    from cryptography.hazmat.primitives import serialization

    try:
        key = serialization.load_pem_private_key(
            settings.private_key.encode(), settings.key_password.encode() or None
        )
    except (ValueError, TypeError) as exc:
        raise TLSError(
            f"The private key of the client certificate cannot be read ({exc}): load a PEM "
            f"key and set its password if it has one"
        ) from exc
    password = secrets.token_urlsafe(32)
    encrypted = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(password.encode()),
    )
    fd, path = tempfile.mkstemp(prefix="cd-key-", suffix=".pem")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(encrypted)
        context.load_cert_chain(settings.certificate, path, password)
    except (OSError, ssl.SSLError) as exc:
        raise TLSError(
            f"Client certificate '{settings.certificate}' cannot be used with its key ({exc}): "
            f"check that the certificate file exists and matches the key"
        ) from exc
    finally:
        os.unlink(path)
