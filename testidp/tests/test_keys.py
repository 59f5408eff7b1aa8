"""The signing key lives in the database, so every app process signs with the same key (O-5)."""

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from testidp.keys import public_jwks, signing_key_get
from testidp.models import SigningKey

pytestmark = pytest.mark.django_db


def test_the_key_is_created_once_and_then_reused():
    first = signing_key_get()
    second = signing_key_get()
    assert SigningKey.objects.count() == 1
    assert first.kid == second.kid
    assert first.as_dict(private=True) == second.as_dict(private=True)


def test_a_token_signed_by_one_load_verifies_with_the_jwks_of_another():
    token = jwt.encode({"alg": "RS256", "kid": signing_key_get().kid}, {"x": 1}, signing_key_get())
    key_set = KeySet.import_key_set(public_jwks())
    assert jwt.decode(token, key_set, algorithms=["RS256"]).claims == {"x": 1}


def test_the_jwks_holds_only_the_public_key():
    (key,) = public_jwks()["keys"]
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] == signing_key_get().kid
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
