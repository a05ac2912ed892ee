"""Curators and city staff get the permissions of the models added since 0001_groups.

0001_groups gave the groups the permissions of the models that existed then; models
added later (figures with their sources, steering partners) need theirs added, or
curators get a 403 on their admin pages. Permissions are created here for the same
reason as in 0001: ``post_migrate`` has not run yet on a new database.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

NEW_MODELS = [
    ("forums", "figureclaim"),
    ("forums", "historicalfigureclaim"),
    ("cities", "steeringpartner"),
    ("cities", "historicalsteeringpartner"),
]


def _permissions(apps):
    for label in ("forums", "cities"):
        app_config = apps.get_app_config(label)
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = original
    Permission = apps.get_model("auth", "Permission")
    found = Permission.objects.none()
    for app_label, model in NEW_MODELS:
        found |= Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    return found


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = _permissions(apps)
    for group in Group.objects.filter(name="Curators"):
        group.permissions.add(*permissions)
    views = permissions.filter(codename__startswith="view_").exclude(
        codename__startswith="view_historical"
    )
    for group in Group.objects.filter(name="City staff"):
        group.permissions.add(*views)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    permissions = _permissions(apps)
    for group in Group.objects.filter(name__in=["Curators", "City staff"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_loaded_records"),
        ("cities", "0003_steering_partners_and_mechanisms"),
        ("forums", "0003_figures_sources_and_translated_names"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
