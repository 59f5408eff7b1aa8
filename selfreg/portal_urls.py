"""The self-registration flow under /innlogget/smitte-selvregistrering/hjemmetest."""

urlpatterns: list = []
