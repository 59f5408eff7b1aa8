from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self) -> None:
        from django.contrib.auth import SESSION_KEY
        from django.contrib.auth.signals import user_logged_in

        from accounts.sessions import STAFF_LOGIN_AT_KEY, staff_login_stamp
        from core.sessions import login_kind_register

        user_logged_in.connect(staff_login_stamp, dispatch_uid="accounts.staff_login_stamp")
        login_kind_register(
            name="staff", logged_in_key=SESSION_KEY, login_at_key=STAFF_LOGIN_AT_KEY
        )
