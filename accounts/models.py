"""Staff: roles per municipality (B-1), login throttling, API tokens and the access log (B-4).

Staff are plain Django users. What they may do comes only from `StaffRole` rows; `is_staff`
(Django's own admin) is never set for them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.models import Municipality


class Role(models.TextChoices):
    TRACER = "tracer", _("Smittesporer")
    ADMIN = "admin", _("Administrator")


class StaffRole(models.Model):
    """A user's role in one municipality (B-1, A-2). A user may have several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], name="one_role_per_user_municipality"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=["tracer", "admin"]), name="staff_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} {self.municipality_id}"


class LoginFailure(models.Model):
    """One failed login for a username (existing or not). Kept in the database, not in a
    per-process cache, so the lockout holds across every app process."""

    username = models.CharField(max_length=150)
    failed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["username", "failed_at"], name="login_failure_lookup")]


class LoginLockout(models.Model):
    """A username is refused until `locked_until`, whatever password is given."""

    username = models.CharField(max_length=150)
    locked_until = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["username", "locked_until"], name="login_lockout_lookup")]


class AccessAction(models.TextChoices):
    """What a staff member did with a person's data (B-4)."""

    VIEW = "view", _("Vist")
    LIST = "list", _("Vist i arbeidsliste")
    EXPORT = "export", _("Eksportert til CSV")
    NOTE_ADD = "note_add", _("Notat skrevet")
    CONTACT_ADD = "contact_add", _("Nærkontakt registrert")
    CONTACT_STATUS = "contact_status", _("Nærkontaktstatus endret")
    CLOSE = "close", _("Indeks avsluttet")
    REOPEN = "reopen", _("Indeks gjenåpnet")
    FOLLOW_UP = "follow_up", _("Oppfølgingsdato endret")
    REGISTER = "register", _("Indeks registrert")
    TRANSFER = "transfer", _("Indeks overført til annen kommune")
    SEARCH = "search", _("Søkt på fødselsnummer")
    LOG_SEARCH = "log_search", _("Tilgangslogg vist")
    LOG_EXPORT = "log_export", _("Tilgangslogg eksportert")
    # The citizen's own reading of who has read their records (innsyn): no staff, no user.
    CITIZEN_VIEW = "citizen_view", _("Innsyn vist til innbyggeren")


# What the citizen's innsyn lists: the reads of their records, not what staff changed (each
# change follows a read that is listed) and not the administrators' searches of the log.
ACCESS_READS = (AccessAction.VIEW, AccessAction.LIST, AccessAction.EXPORT)


class ObjectType(models.TextChoices):
    INDEX = "index", _("Indeks")
    PERSON = "person", _("Person")
    CLOSE_CONTACT = "close_contact", _("Nærkontakt")
    ACCESS_LOG = "access_log", _("Tilgangslogg")


class AppendOnlyError(Exception):
    """The access log is never changed or deleted (B-4)."""


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Tilgangsloggen kan ikke endres.")

    def delete(self):
        raise AppendOnlyError("Tilgangsloggen kan ikke slettes.")


class AccessLogEntry(models.Model):
    """Who read or changed which person's data, when, in what role, and whether it was allowed.

    Append-only: there is no code path that changes or deletes a row (B-4). Person and index
    are kept as plain ids plus the fødselsnummer, so the log neither blocks nor loses anything
    when tracing records change, and an administrator can find every entry about a person.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    # Empty only for a citizen's own innsyn (CITIZEN_VIEW): a citizen is not a user.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=10, choices=Role.choices, blank=True)
    # No index of its own: accesslog_municipality (municipality, at) serves the lookups, and
    # every index costs on each of the 50 000 entries an export writes.
    municipality = models.ForeignKey(
        Municipality,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    person_fnr = models.CharField(max_length=11, blank=True)
    index_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(max_length=30, choices=AccessAction.choices)
    allowed = models.BooleanField()
    # CITIZEN_VIEW: the logged-in citizen who read the log about `person_fnr` (themself, or a
    # child they may register for).
    citizen_fnr = models.CharField(max_length=11, blank=True, db_default="")

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | models.Q(action="citizen_view"),
                name="access_log_user_unless_citizen",
            )
        ]
        indexes = [
            models.Index(fields=["municipality", "at"], name="accesslog_municipality"),
            models.Index(fields=["person_fnr", "at"], name="accesslog_person"),
        ]

    def __str__(self) -> str:
        return f"Tilgang {self.pk}"

    def save(self, *args, **kwargs):
        if not self._state.adding or self.pk is not None:
            raise AppendOnlyError("Tilgangsloggen kan ikke endres.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Tilgangsloggen kan ikke slettes.")


class ApiToken(models.Model):
    """A bearer token with which an integration uses the API for one municipality (A-2,
    B-1).

    Only the SHA-256 of the token is stored; the token itself is shown once, when it is made.
    Each token acts through its own service user, which has the tracer role in the token's
    municipality only, so the API reaches objects through the same access functions and writes
    the same access log as the pages (docs/adr/0005-api-tokens.md).
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the token, so that an administrator can tell tokens apart.
    token_prefix = models.CharField(max_length=12)
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_token"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="api_token_revoked_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"API-nøkkel {self.pk} ({self.municipality_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
