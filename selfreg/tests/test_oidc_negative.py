"""S4: OIDC negative tests against the test identity provider, end to end.

The bundled test IdP (O-5) runs on live_server and speaks real OpenID Connect; for each case its
ID token (or the callback) is spoiled the way an attacker or a broken provider would, and the
whole login is run: every case must answer 4xx with the "not logged in" page and leave no
citizen login in the session.

The cases of the issue and where each is tested (unit tests of the token checks are in
registers/tests/test_idporten.py, marked S4 too):

- wrong / missing state: test_auth_views.py (test_callback_with_wrong_state_is_refused,
  test_callback_without_state_is_refused, ..._from_another_browser_...), and here;
- wrong / missing nonce, alg=none, HS256, unknown key, wrong iss / aud, expired, acr below
  idporten-loa-high, missing pid: here, one login each;
- reused authorization code: test_auth_views.py (test_reused_authorization_code_is_refused)
  and here.
"""

import base64
import json
import time

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from registers import idporten
from testidp import services as testidp_services
from testidp.keys import public_jwks, signing_key_get
from testidp.tests.browser import LoginBrowser, query_of
from tests.factories import new_fnr

pytestmark = pytest.mark.django_db

NEXT = "/innlogget/smitte-selvregistrering/hjemmetest?kommunenummer=0301"


@pytest.fixture
def browser(live_server, settings):
    settings.OIDC_DISCOVERY_URL = f"{live_server.url}/testidp/.well-known/openid-configuration"
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 10
    idporten.client_cache_clear()
    made = LoginBrowser(live_server.url)
    yield made
    made.close()
    idporten.client_cache_clear()


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _rs256(claims: dict, key: RSAKey | None = None) -> str:
    key = key or signing_key_get()
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def _changed(**changes):
    """A token maker: the IdP's own claims with `changes` (None removes a claim), RS256."""

    def make(claims: dict) -> str:
        claims = {**claims, **changes}
        return _rs256({k: v for k, v in claims.items() if v is not None})

    return make


def _alg_none(claims: dict) -> str:
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _hs256_with_public_key(claims: dict) -> str:
    public = public_jwks()["keys"][0]
    secret = OctKey.import_key(json.dumps(public))
    return jwt.encode({"alg": "HS256", "kid": public["kid"]}, claims, secret, algorithms=["HS256"])


def _unknown_key(claims: dict) -> str:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger", "alg": "RS256"})
    return _rs256(claims, stranger)


def _expired(claims: dict) -> str:
    now = int(time.time())
    return _rs256({**claims, "iat": now - 3600, "auth_time": now - 3600, "exp": now - 600})


CASES = {
    "wrong nonce": (_changed(nonce="another-nonce"), 400),
    "missing nonce": (_changed(nonce=None), 400),
    "alg none": (_alg_none, 400),
    "HS256 keyed with the public key": (_hs256_with_public_key, 400),
    "unknown key": (_unknown_key, 400),
    "wrong iss": (_changed(iss="https://evil.example/"), 400),
    "wrong aud": (_changed(aud="another-client"), 400),
    "expired": (_expired, 400),
    "acr substantial": (_changed(acr="idporten-loa-substantial"), 403),
    "acr low": (_changed(acr="idporten-loa-low"), 403),
    "acr missing": (_changed(acr=None), 403),
    "pid missing": (_changed(pid=None), 400),
    "pid not a fødselsnummer": (_changed(pid="12345678901"), 400),
}


def assert_refused(browser: LoginBrowser, response, status: int) -> None:
    assert response.status_code == status
    assert "ikke logget inn" in response.text
    assert browser.session_pid() is None


@pytest.mark.parametrize(("make", "status"), CASES.values(), ids=list(CASES))
def test_s4_a_spoiled_id_token_gives_4xx_and_no_session(browser, monkeypatch, make, status):
    real_claims = testidp_services.id_token_claims

    def spoiled_issue(*, issuer, grant):
        return make(real_claims(issuer=issuer, grant=grant, now=int(time.time())))

    monkeypatch.setattr(testidp_services, "id_token_issue", spoiled_issue)
    assert_refused(browser, browser.login(new_fnr(), NEXT), status)


def test_s4_the_unspoiled_login_succeeds(browser):
    """The control: the same machinery without spoiling logs in."""
    response = browser.login(new_fnr(), NEXT)
    assert response.status_code == 302 and browser.session_pid() is not None


@pytest.mark.parametrize(
    "params",
    [
        pytest.param(lambda q: {**q, "state": "forged-state"}, id="wrong state"),
        pytest.param(lambda q: {"code": q["code"]}, id="missing state"),
        pytest.param(lambda q: {"state": q["state"]}, id="missing code"),
        pytest.param(lambda q: {**q, "code": "not-a-code"}, id="unknown code"),
    ],
)
def test_s4_a_spoiled_callback_gives_400_and_no_session(browser, params):
    callback = browser.submit_fnr(browser.start(NEXT), new_fnr())
    response = browser.get("/innlogget/callback/", params=params(query_of(callback)))
    assert_refused(browser, response, 400)


def test_s4_a_reused_authorization_code_gives_400_and_no_session(browser, live_server):
    callback = browser.submit_fnr(browser.start(NEXT), new_fnr())
    assert browser.get(callback).status_code == 302
    attacker = LoginBrowser(live_server.url)
    try:
        state = query_of(attacker.start(NEXT))["state"]
        response = attacker.get(
            "/innlogget/callback/", params={"code": query_of(callback)["code"], "state": state}
        )
        assert_refused(attacker, response, 400)
    finally:
        attacker.close()
