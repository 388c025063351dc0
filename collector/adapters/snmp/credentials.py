"""SNMP credentials: v2c communities and v3 users, as plain data.

They are secrets: ``repr`` never shows the community or the keys, so a credential that ends up
in a log line or a traceback leaks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class AuthProtocol(StrEnum):
    SHA = "sha"  # HMAC-96-SHA-1: old gear only
    SHA224 = "sha224"
    SHA256 = "sha256"
    SHA384 = "sha384"
    SHA512 = "sha512"


class PrivProtocol(StrEnum):
    AES = "aes"  # AES-128-CFB
    AES192 = "aes192"
    AES256 = "aes256"


@dataclass(frozen=True)
class Community:
    """An SNMP v2c community."""

    community: str = field(repr=False)
    name: str = "v2c"  # how targets files and logs refer to it

    @property
    def label(self) -> str:
        return self.name


@dataclass(frozen=True)
class V3User:
    """An SNMP v3 user with authentication and privacy (authPriv): the only v3 level we use.

    noAuthNoPriv and authNoPriv would send inventory (and the community-less trust it implies)
    in clear text; a targets file that asks for them is refused.
    """

    user: str
    auth_protocol: AuthProtocol
    auth_key: str = field(repr=False)
    priv_protocol: PrivProtocol
    priv_key: str = field(repr=False)

    @property
    def label(self) -> str:
        return f"v3:{self.user}"


Credential = Community | V3User
