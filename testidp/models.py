"""State of the test identity provider (O-5), kept in the database.

App processes are stateless: the signing key and the pending authorization codes must be
the same whichever process serves the next request.
"""

from django.db import models


class SigningKey(models.Model):
    """The RSA key that signs ID tokens; one row, created on first use."""

    name = models.CharField(max_length=20, unique=True)
    kid = models.CharField(max_length=100, unique=True)
    private_key_pem = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.kid


class AuthorizationCode(models.Model):
    """An issued authorization code: single use, short-lived, bound to client, redirect and PKCE.

    Only a hash of the code is stored.
    """

    code_hash = models.CharField(max_length=64, unique=True)
    client_id = models.CharField(max_length=200)
    redirect_uri = models.TextField()
    nonce = models.CharField(max_length=500)
    code_challenge = models.CharField(max_length=128)
    pid = models.CharField(max_length=11)
    acr = models.CharField(max_length=50)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"code {self.pk}"


class UsedAssertion(models.Model):
    """A signed JWT (Maskinporten grant or client assertion) already accepted: refused if sent
    again (RFC 7523 3, "jti"). Kept until it would have expired anyway; only a hash is stored."""

    jti_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"assertion {self.pk}"
