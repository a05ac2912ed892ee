"""The two groups of the design: "Curators" (the secretariat) and "City staff".

Permissions are created here explicitly: Django creates them after ``migrate`` (in a
``post_migrate`` signal), which has not run yet on a new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CURATED_APPS = ("cities", "forums", "commitments")
STAFF_EDITS = [
    ("commitments", "add_commitment"),
    ("commitments", "change_commitment"),
    ("commitments", "add_progressupdate"),
    ("commitments", "change_progressupdate"),
    ("commitments", "add_transfer"),
    ("commitments", "change_transfer"),
]


def create_groups(apps, schema_editor=None):
    for app_config in apps.get_app_configs():
        # Migration state apps have no models module, which create_permissions
        # takes as "no models": mark it for the call, then restore it.
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curated = Permission.objects.filter(content_type__app_label__in=CURATED_APPS)

    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.set(
        list(curated)
        + list(Permission.objects.filter(content_type__app_label="auth", codename="view_user"))
    )

    staff, _ = Group.objects.get_or_create(name="City staff")
    views = curated.filter(codename__startswith="view_").exclude(
        codename__startswith="view_historical"
    )
    edits = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in STAFF_EDITS
    ]
    staff.permissions.set(list(views) + edits)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curators", "City staff"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cities", "0002_search_vector"),
        ("forums", "0002_search_vector"),
        ("commitments", "0002_search_vector"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
