from django.apps import AppConfig


class SmittesporingConfig(AppConfig):
    """The project itself as an app: error pages, session lifetime (S5), no models."""

    name = "smittesporing"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from smittesporing.middleware import staff_login_stamp

        user_logged_in.connect(staff_login_stamp, dispatch_uid="smittesporing.staff_login_stamp")
