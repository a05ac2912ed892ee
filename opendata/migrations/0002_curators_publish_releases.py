"""Curators publish data releases (the design card's "publish data releases"): they
get the release permissions; city staff get none."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ("add_release", "view_release")


def grant(apps, schema_editor):
    app_config = apps.get_app_config("opendata")
    original = getattr(app_config, "models_module", None)
    app_config.models_module = original or True
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.add(
        *Permission.objects.filter(content_type__app_label="opendata", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Curators"):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="opendata", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_releases"),
        ("core", "0004_merge_curators_only_and_loaded_records"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
