"""Only curators use the admin: ``is_staff`` is taken from every other account.

City staff work in the portal. An account that is neither a superuser nor in the
"Curators" group loses ``is_staff``; the migration says how many did.

Reversing changes nothing: which accounts had ``is_staff`` is not recorded, and
giving it back would reopen the admin to city staff.
"""

import logging

from django.db import migrations

logger = logging.getLogger(__name__)


def admin_for_curators_only(apps, schema_editor):
    User = apps.get_model("auth", "User")
    strays = User.objects.filter(is_staff=True, is_superuser=False).exclude(
        groups__name="Curators"
    )
    changed = User.objects.filter(pk__in=list(strays.values_list("pk", flat=True))).update(
        is_staff=False
    )
    message = f"Removed admin access (is_staff) from {changed} account(s) that are not curators."
    logger.warning(message)
    print(f"\n  {message}")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("core", "0001_groups"),
    ]

    operations = [migrations.RunPython(admin_for_curators_only, migrations.RunPython.noop)]
