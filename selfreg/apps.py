from django.apps import AppConfig


class SelfregConfig(AppConfig):
    name = "selfreg"

    def ready(self) -> None:
        from core.i18n import language_switch_keeps
        from core.sessions import login_kind_register
        from selfreg.session import LOGIN_AT_KEY, PID_KEY

        login_kind_register(name="citizen", logged_in_key=PID_KEY, login_at_key=LOGIN_AT_KEY)
        # the municipality's own link names the municipality; «next» after login.
        language_switch_keeps("kommunenummer", "next")
