"""Citizen portal URLs: login (auth_urls.py) and the self-registration flow (portal_urls.py)."""

from selfreg.auth_urls import urlpatterns as auth_urlpatterns
from selfreg.portal_urls import urlpatterns as portal_urlpatterns

app_name = "selfreg"
urlpatterns = auth_urlpatterns + portal_urlpatterns
