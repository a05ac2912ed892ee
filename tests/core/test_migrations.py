from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when one is missing
        pytest.fail(f"Missing migrations:\n{out.getvalue()}")
        raise exc


def test_admin_access_is_taken_from_every_account_that_is_not_a_curators(
    django_user_model, barcelona_staff, curator, capsys
):
    import importlib

    from django.apps import apps

    from tests.curation import ensure_groups

    ensure_groups()
    barcelona_staff.is_staff = True
    barcelona_staff.save()
    root = django_user_model.objects.create_superuser("root", "root@example.org", "x-long-pw-1")
    migration = importlib.import_module("core.migrations.0002_admin_for_curators_only")
    migration.admin_for_curators_only(apps, None)
    assert "from 1 account(s)" in capsys.readouterr().out
    staff_flags = dict(django_user_model.objects.values_list("username", "is_staff"))
    assert staff_flags == {
        barcelona_staff.username: False,
        curator.username: True,
        root.username: True,
    }


def test_a_secretariat_transfer_confirmed_by_one_city_awaits_the_other(
    barcelona_staff, barcelona, athens, capsys
):
    import datetime
    import importlib

    from django.apps import apps
    from django.utils import timezone

    from commitments.models import Transfer
    from tests import builders

    agreement = builders.agreement(athens, barcelona)
    transfer = builders.transfer(agreement, 5, date=datetime.date(2020, 1, 1))
    # As the old confirm_transfer left it: one city's confirmation counted as both.
    Transfer.objects.filter(pk=transfer.pk).update(
        confirmed_at=timezone.now(), confirmed_by=barcelona_staff
    )
    migration = importlib.import_module(
        "commitments.migrations.0004_transfer_confirmed_by_both_cities"
    )
    migration.confirmed_by_one_city_only(apps, None)
    transfer.refresh_from_db()
    assert transfer.confirmed_at is None
    assert transfer.first_confirmation_city == barcelona
    assert "1 transfer(s)" in capsys.readouterr().out
