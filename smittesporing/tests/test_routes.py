"""S2: route audit over the whole URL resolver.

Every URL pattern of the project is either public by the explicit list below (each entry says
why) or carries a guard the audit can see:

- `citizen_login_required` (selfreg.auth): the citizen portal, C-1;
- `staff_guard` "tracer", "admin" or "tracer-or-admin" (accounts.decorators): the back office,
  B-1, A-2;
- Django's own admin (AdminSite.admin_view: active users with is_staff, which staff never have);
- the integration API: every operation has an authentication callback (see `_api_guard`).

A new view without one of these fails `test_s2_every_route_is_public_by_the_list_or_guarded`,
and the behaviour is checked as well: an anonymous GET and POST of every guarded route is sent
to a login page or refused, never answered with the page.
"""

import inspect
import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# name (or route, for unnamed patterns) -> why it needs no login
PUBLIC = {
    "home": "front page with two links, no personal data",
    "favicon": "a redirect to the icon in static",
    "privacy": "the privacy statement every footer links to: text for everyone",
    "accessibility": "the accessibility statement every footer links to: text for everyone",
    "healthz": "liveness probe: says the process answers, nothing else (core.health)",
    "readyz": "readiness probe: ok/failed per dependency, no data, no error text (core.health)",
    "metrics": "Prometheus counts, no personal data; 404 but to METRICS_ALLOWED_ADDRESSES",
    "selfreg:login": "starts the citizen's OIDC login (C-1)",
    "selfreg:callback": "the OIDC redirect back from ID-porten; checks state, code and token",
    "selfreg:logout": "GET only shows a button; POST ends whatever session there is",
    "selfreg:logged_out": "'Du er logget ut' page",
    "accounts:login": "the staff login page",
    "accounts:logout": "POST ends whatever staff session there is",
    "admin:login": "Django admin's login page",
    "testidp:discovery": "test IdP (never in production: TEST_IDP_ENABLED, refused by S7)",
    "testidp:jwks": "test IdP public keys",
    "testidp:authorize": "test IdP login page (O-5)",
    "testidp:token": "test IdP token endpoint: client authentication inside",
    "testidp:end_session": "test IdP end-session endpoint",
    "testidp:maskinporten_discovery": "test IdP's Maskinporten metadata (public, as Digdir's)",
    "testidp:maskinporten_token": "test IdP's Maskinporten token endpoint: the signed grant inside",
    "api-v1:openapi-json": "OpenAPI document of the integration API (no data)",
    "api-v1:api-root": "django-ninja's root: answers 404 (the docs page is off)",
}

LOGIN_PAGES = ("/innlogget/logg-inn/", "/smittesporing/logg-inn/", "/django-admin/login/")
# Django admin's logout sends an anonymous visitor to the admin index, itself guarded.
GUARDED_LANDINGS = {"/django-admin/"}


@dataclass(frozen=True)
class Route:
    route: str
    name: str  # "namespace:name", or the route itself for an unnamed pattern
    callback: object
    pattern_parts: tuple  # the URLPattern and its resolvers' patterns, outermost first


def _walk(patterns, prefix="", namespace="", parts=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), ns, (*parts, entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}{entry.name}" if entry.name else route
            yield Route(route, name, entry.callback, (*parts, entry.pattern))


def all_routes(urlconf=None) -> list[Route]:
    return list(_walk(get_resolver(urlconf).url_patterns))


def _wrapped_chain(callback):
    """The callback and what it wraps: functools.wraps' __wrapped__, and the view a
    method_decorator holds (Django's `_multi_decorate` keeps it in a closure)."""
    todo, seen = [callback], set()
    while todo:
        function = todo.pop()
        if function is None or id(function) in seen:
            continue
        seen.add(id(function))
        yield function
        todo.append(getattr(function, "__wrapped__", None))
        todo.append(getattr(function, "__func__", None))
        for cell in getattr(function, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if callable(value):
                todo.append(value)


def _django_admin_guard(callback) -> bool:
    """AdminSite.admin_view (is_active and is_staff) guards it: either the site's URL wrappers
    (marked `admin_site` / `model_admin`) or admin_view's own `inner` in the wrapper chain."""
    if getattr(callback, "admin_site", None) or getattr(callback, "model_admin", None):
        return True
    for function in _wrapped_chain(callback):
        code = getattr(function, "__code__", None)
        if code is not None and code.co_qualname == "AdminSite.admin_view.<locals>.inner":
            return True
    return False


def _api_guard(callback) -> bool | None:
    """For a django-ninja route: True if every operation on it demands authentication, False
    if one does not; None for anything that is not a ninja route."""
    try:
        from ninja.operation import PathView
    except ImportError:  # pragma: no cover - django-ninja is a pinned dependency
        return None
    # ninja's URL callback is a closure over its PathView (`self`).
    closure = inspect.getclosurevars(callback).nonlocals if inspect.isfunction(callback) else {}
    view = closure.get("self", getattr(callback, "__self__", None))
    if not isinstance(view, PathView):
        return None
    return bool(view.operations) and all(op.auth_callbacks for op in view.operations)


def guard_of(callback) -> str | None:
    """The guard a route's view carries, or None."""
    if getattr(callback, "citizen_login_required", False):
        return "citizen"
    staff = getattr(callback, "staff_guard", None)
    if staff in ("tracer", "admin", "tracer-or-admin"):
        return f"staff:{staff}"
    if staff == "public":
        return "public"
    api = _api_guard(callback)
    if api is not None:
        return "api" if api else None
    if _django_admin_guard(callback):
        return "django-admin"
    return None


def unguarded(routes: list[Route]) -> list[str]:
    """The routes that are neither in the public list nor guarded: must be empty."""
    found = []
    for route in routes:
        guard = guard_of(route.callback)
        if route.name in PUBLIC:
            continue
        if guard is None or guard == "public":
            found.append(f"/{route.route} ({route.name})")
    return found


# --- the structural audit --------------------------------------------------------------------

ROUTES = all_routes()


def test_s2_route_names_are_unique_test_ids():
    """The names are the parametrize ids: stable strings, one per route (pytest-xdist)."""
    names = [r.name for r in ROUTES]
    assert len(names) == len(set(names))


def test_s2_the_whole_resolver_is_walked():
    names = {r.name for r in ROUTES}
    assert {
        "selfreg:start",
        "selfreg:form",
        "tracing:index",
        "accounts:access_log",
        "admin:index",
        "selfreg:callback",
        "administration:municipality",
        "api-v1:index_read_view",
    } <= names
    assert len(ROUTES) >= 40


def test_s2_every_route_is_public_by_the_list_or_guarded():
    assert unguarded(ROUTES) == []


@pytest.mark.parametrize("route", [pytest.param(r, id=r.name) for r in ROUTES])
def test_s2_route_is_public_by_the_list_or_guarded(route):
    guard = guard_of(route.callback)
    if route.name in PUBLIC:
        # A public staff page says so with public_view; nothing public carries a login guard.
        assert guard in (None, "public"), f"{route.name} is listed public but guarded ({guard})"
    else:
        assert guard not in (None, "public"), f"/{route.route} ({route.name}) has no guard"


def test_s2_the_public_list_is_current():
    """A stale entry would let a future view of that name through unchecked."""
    names = {r.name for r in ROUTES}
    assert set(PUBLIC) <= names, set(PUBLIC) - names


def test_s2_public_marked_staff_views_are_in_the_list():
    for route in ROUTES:
        if getattr(route.callback, "staff_guard", None) == "public":
            assert route.name in PUBLIC, route.name


def test_s2_no_route_takes_a_fodselsnummer():
    for route in ROUTES:
        assert not re.search(r"fnr|foedselsnummer|fodselsnummer|pid", route.route), route.route


# --- the audit catches what it should ---------------------------------------------------------


def _unguarded_view(request):  # pragma: no cover - never called
    raise AssertionError


urlpatterns = []  # filled in by the test below; this module doubles as a URLconf


def test_s2_a_new_unguarded_view_fails_the_audit(settings):
    from django.urls import clear_url_caches, include, path

    from accounts.decorators import public_view, staff_required
    from selfreg.auth import citizen_login_required

    urlpatterns[:] = [
        path("", include("smittesporing.urls")),
        path("ny/", _unguarded_view, name="new"),
        path("ny-offentlig/", public_view(_unguarded_view), name="new_public"),
        path("ny-borger/", citizen_login_required(_unguarded_view), name="new_citizen"),
        path("ny-ansatt/", staff_required(_unguarded_view), name="new_staff"),
        path("nytt-api/", _api_with_an_open_operation().urls),
    ]
    try:
        found = unguarded(all_routes(__name__))
    finally:
        urlpatterns.clear()
        clear_url_caches()
    assert found == [
        "/ny/ (new)",
        "/ny-offentlig/ (new_public)",
        "/nytt-api/open (s2-audit-test:open_view)",
        "/nytt-api/ (s2-audit-test:api-root)",  # public only by the list, like api-v1's
    ]


def _api_with_an_open_operation():
    """A django-ninja API with one authenticated and one open operation."""
    from ninja import NinjaAPI

    from api.auth import ApiTokenAuth

    api = NinjaAPI(urls_namespace="s2-audit-test", auth=ApiTokenAuth(), openapi_url=None)

    @api.get("/closed")
    def closed_view(request):  # pragma: no cover - never called
        return {}

    @api.get("/open", auth=None)
    def open_view(request):  # pragma: no cover - never called
        return {}

    return api


# --- the behaviour: anonymous requests never get a guarded page --------------------------------

_SAMPLES = {"worklist": "i-dag", "app_label": "auth", "url": "ukjent/"}


def _sample_path(route: Route) -> str:
    """A concrete path for the route, with sample values for its parameters."""
    path = route.route
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: _SAMPLES.get(m.group(1), "1"), path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: _SAMPLES.get(m.group(1), "1"), path)
    return "/" + path.replace("^", "").replace("$", "")


GUARDED = [pytest.param(r, id=r.name) for r in ROUTES if r.name not in PUBLIC]


@pytest.mark.django_db
@pytest.mark.parametrize("route", GUARDED)
def test_s2_anonymous_requests_to_a_guarded_route_get_no_page(client, route):
    path = _sample_path(route)
    try:
        match = resolve(path)
    except Resolver404:  # pragma: no cover - a new parameter name needs a sample value
        pytest.fail(f"add a sample value for {route.route}")
    # Several patterns may share one path (django-ninja: one per operation): same route string.
    assert match.route.replace("^", "") == route.route.replace("^", ""), (
        f"{path} resolves elsewhere"
    )
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith(LOGIN_PAGES) or location in GUARDED_LANDINGS, (
                method,
                location,
            )
        else:
            assert response.status_code in (401, 403, 404, 405), (method, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route",
    [p for p in GUARDED if guard_of(p.values[0].callback) in ("staff:tracer", "staff:admin")],
)
def test_s2_a_citizen_login_is_no_staff_login(citizen_client, route):
    from tests.factories import new_fnr

    client = citizen_client(new_fnr())
    response = client.get(_sample_path(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/smittesporing/logg-inn/")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", [p for p in GUARDED if guard_of(p.values[0].callback) == "citizen"]
)
def test_s2_a_staff_login_is_no_citizen_login(staff_client, route):
    client = staff_client(tracer_in=["0301"], admin_in=["0301"])
    response = client.get(_sample_path(route))
    assert response.status_code == 302
    assert response["Location"].startswith("/innlogget/logg-inn/")
