"""Transfers the secretariat entered are confirmed by both cities, each in turn.

Until now one city's confirmation marked such a transfer "confirmed by both cities".
Those are put back to "confirmed by one city" (``first_confirmation_city``: the city
the confirming user acts for, when that is one of the two) until the other confirms.
Reversing puts the single confirmation back as the full one.
"""

import django.db.models.deletion
from django.db import migrations, models


def confirmed_by_one_city_only(apps, schema_editor):
    Transfer = apps.get_model("commitments", "Transfer")
    Membership = apps.get_model("cities", "CityStaffMembership")
    changed = 0
    transfers = Transfer.objects.filter(
        reported_by_city__isnull=True, confirmed_at__isnull=False
    ).select_related("agreement")
    for transfer in transfers:
        parties = {transfer.agreement.origin_id, transfer.agreement.destination_id}
        cities = set(
            Membership.objects.filter(user_id=transfer.confirmed_by_id).values_list(
                "city_id", flat=True
            )
        )
        first = parties & cities
        transfer.first_confirmation_city_id = first.pop() if len(first) == 1 else None
        transfer.confirmed_at = None
        transfer.confirmed_by = None
        transfer.save(update_fields=["first_confirmation_city", "confirmed_at", "confirmed_by"])
        changed += 1
    if changed:
        print(
            f"\n  {changed} transfer(s) entered by the secretariat and confirmed by one city "
            "now await the other city's confirmation."
        )


def confirmed_as_before(apps, schema_editor):
    Transfer = apps.get_model("commitments", "Transfer")
    for transfer in Transfer.objects.filter(first_confirmation_city__isnull=False):
        transfer.confirmed_at = transfer.updated_at
        transfer.save(update_fields=["confirmed_at"])


class Migration(migrations.Migration):

    dependencies = [
        ('cities', '0002_search_vector'),
        ('commitments', '0003_resources_not_negative'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltransfer',
            name='first_confirmation_city',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='A transfer the secretariat entered: the city that confirmed it while the other has not yet.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cities.city', verbose_name='confirmed so far by'),
        ),
        migrations.AddField(
            model_name='transfer',
            name='first_confirmation_city',
            field=models.ForeignKey(blank=True, help_text='A transfer the secretariat entered: the city that confirmed it while the other has not yet.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='cities.city', verbose_name='confirmed so far by'),
        ),
        migrations.AlterField(
            model_name='historicaltransfer',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed by both cities'),
        ),
        migrations.AlterField(
            model_name='transfer',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='confirmed by both cities'),
        ),
        migrations.RunPython(confirmed_by_one_city_only, confirmed_as_before),
    ]
