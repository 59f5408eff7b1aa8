"""S11 and B-4 together, on PostgreSQL: the append-only trigger of 0002 lets one kind of DELETE
through, the retention service's (accounts/retention.py), and only for entries older than the
cut-off that service sets for its own transaction:

    SELECT set_config('smittesporing.access_log_retention_before', '<timestamp>', true)

Every UPDATE, and every DELETE without that setting or of a newer row, is refused as before.
The setting is transaction-local (`true`): it ends with the retention transaction.
"""

from django.db import migrations

ALLOW_RETENTION = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
DECLARE
    retention_before text := current_setting('smittesporing.access_log_retention_before', true);
BEGIN
    IF TG_OP = 'DELETE' AND coalesce(retention_before, '') <> ''
            AND OLD.at < retention_before::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'accounts_accesslogentry is append-only (B-4)';
END;
$$ LANGUAGE plpgsql;
"""
APPEND_ONLY = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_accesslogentry is append-only (B-4)';
END;
$$ LANGUAGE plpgsql;
"""


def allow_retention(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_RETENTION)


def append_only(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_api_tokens")]

    operations = [migrations.RunPython(allow_retention, append_only)]
