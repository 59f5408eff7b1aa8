"""B-4 in the database itself, on PostgreSQL: UPDATE and DELETE of access-log rows are refused by
a trigger, whatever code (or a person with a SQL prompt and the app's role) tries.

Not on SQLite (development only): Django's test flush there deletes rows, which the trigger
would refuse. TRUNCATE (PostgreSQL's flush) does not fire row triggers.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'accounts_accesslogentry is append-only (B-4)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_accesslog_no_update_delete
    BEFORE UPDATE OR DELETE ON accounts_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION accounts_accesslog_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS accounts_accesslog_no_update_delete ON accounts_accesslogentry;
DROP FUNCTION IF EXISTS accounts_accesslog_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_staff_roles_access_log")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
