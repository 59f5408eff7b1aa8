"""The organisation's private keys, for Maskinporten grants and ID-porten's private_key_jwt.

Read from a file (preferred: the key stays out of the process environment) or from an
environment variable; every error names what is wrong, never any part of the key.
"""

import json
from pathlib import Path

from joserfc.errors import JoseError
from joserfc.jwk import RSAKey


class SigningKeyError(Exception):
    """The configured key cannot be read, or is not a private RSA key. Names no key material."""


def private_key_load(*, pem_or_jwk: str = "", path: str = "", kid: str) -> RSAKey:
    """A private RSA key, from the environment (`pem_or_jwk`) or a file.

    PEM (PKCS#1 or PKCS#8) and a private JWK (JSON) are both accepted; `kid` is the key id
    registered with Digdir and is set on the key, whatever the JWK says.
    """
    if not pem_or_jwk and not path:
        raise SigningKeyError("the key is not set (a file, or the key itself)")
    if pem_or_jwk and path:
        raise SigningKeyError("give the key either in the environment or as a file, not both")
    if path:
        try:
            pem_or_jwk = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise SigningKeyError(f"the key file cannot be read ({type(exc).__name__})") from None
    if not kid:
        raise SigningKeyError("the key id (kid) is not set")
    text = pem_or_jwk.strip()
    try:
        if text.startswith("{"):
            data = json.loads(text)
            data.pop("kid", None)
            key = RSAKey.import_key(data, parameters={"kid": kid})
        else:
            key = RSAKey.import_key(text, parameters={"kid": kid})
    except (JoseError, ValueError, TypeError):
        # The library's message may quote the key: say only that it is not one.
        raise SigningKeyError("the key is not an RSA key in PEM or JWK form") from None
    if not key.is_private:
        raise SigningKeyError("the key is a public key; the private key is needed to sign")
    return key
