from django.apps import AppConfig


class SelfregConfig(AppConfig):
    name = "selfreg"

    def ready(self) -> None:
        from core.contact import contact_provider_register
        from core.i18n import language_switch_keeps
        from core.sessions import login_kind_register
        from selfreg.contact import contact_for_error_pages
        from selfreg.session import LOGIN_AT_KEY, PID_KEY

        login_kind_register(name="citizen", logged_in_key=PID_KEY, login_at_key=LOGIN_AT_KEY)
        # the municipality's own link names the municipality; «next» after login.
        language_switch_keeps("kommunenummer", "next")
        # The error pages name the chosen municipality's home page and phone number.
        contact_provider_register(contact_for_error_pages)
