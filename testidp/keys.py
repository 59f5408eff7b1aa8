"""The test IdP's signing key (O-5): an RSA key kept in the database, made on first use.

A key held only in process memory would differ between app processes, and a token signed by
one would fail verification against the JWKS served by another.
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import KeySet, RSAKey, thumbprint

from registers.signing_keys import SigningKeyError, private_key_load
from testidp.models import SigningKey

SIGNING_ALG = "RS256"
_KEY_NAME = "default"


def _new_private_key_pem() -> str:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def _as_jwk(row: SigningKey) -> RSAKey:
    return RSAKey.import_key(
        row.private_key_pem, parameters={"kid": row.kid, "use": "sig", "alg": SIGNING_ALG}
    )


def signing_key_get() -> RSAKey:
    """The current signing key; created (once, whichever process gets there first) if missing."""
    row = SigningKey.objects.filter(name=_KEY_NAME).first()
    if row is None:
        pem = _new_private_key_pem()
        kid = thumbprint(RSAKey.import_key(pem))
        # get_or_create absorbs the race where another process created the row meanwhile.
        row, _ = SigningKey.objects.get_or_create(
            name=_KEY_NAME, defaults={"kid": kid, "private_key_pem": pem}
        )
    return _as_jwk(row)


def public_jwks() -> dict:
    """The JWKS document: public halves only."""
    key_set = KeySet([signing_key_get()])
    return key_set.as_dict(private=False)


def client_public_key(*, pem_or_jwk: str, path: str, kid: str) -> RSAKey | None:
    """The public half of a client's key as this site's settings hold it (the test IdP knows
    only this site's own clients), or None if there is no usable key."""
    try:
        key = private_key_load(pem_or_jwk=pem_or_jwk, path=path, kid=kid)
    except SigningKeyError:
        return None
    return RSAKey.import_key(key.as_dict(private=False), parameters={"kid": key.kid})
