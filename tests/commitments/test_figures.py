"""Each figure has one definition on its queryset, and every way of reading it agrees
(issue 16): people relocated and awaiting, per agreement, per group and in total;
the published commitments, per related row and by status."""

import datetime

import pytest

from cities.models import City
from commitments.models import Commitment, RelocationAgreement, Transfer
from forums.models import Theme
from pages import charts
from tests import builders

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2016, 3, 1)


@pytest.fixture
def agreements(athens, barcelona, quito):
    first = builders.agreement(athens, barcelona, pledged=100, signed_on=SIGNED)
    builders.transfer(first, 40, reported_by_city=athens, confirmed=True)
    builders.transfer(first, 30, reported_by_city=barcelona)
    second = builders.agreement(quito, barcelona, pledged=50, signed_on=SIGNED)
    builders.transfer(second, 10, reported_by_city=quito, confirmed=True)
    third = builders.agreement(barcelona, athens, pledged=20, signed_on=SIGNED)
    builders.transfer(third, 5)  # entered by the secretariat, not confirmed
    return first, second, third


def test_people_relocated_read_per_agreement_per_city_and_in_total_agree(agreements):
    rows = RelocationAgreement.objects.with_totals()
    by_agreement = {a.pk: (a.people_pledged, a.relocated, a.awaiting) for a in rows}
    assert sorted(by_agreement.values()) == [(20, 0, 5), (50, 10, 0), (100, 40, 30)]

    by_city = {
        row["destination__slug"]: (row["pledged"], row["relocated"], row["awaiting"])
        for row in RelocationAgreement.objects.people_totals_by("destination__slug")
    }
    assert by_city == {"barcelona": (150, 50, 30), "athens": (20, 0, 5)}

    totals = RelocationAgreement.objects.people_totals()
    assert totals == {"pledged": 170, "relocated": 50, "awaiting": 35, "count": 3}
    # The charts read the same figures.
    chart = charts.pledged_by_city()
    assert chart["totals"] == (170, 50, 35, 3)
    largest = charts.pledged_by_agreement()["rows"][0]
    assert (largest["pledged"], largest["relocated"], largest["awaiting"]) == (100, 40, 30)


def test_a_transfer_in_memory_counts_as_relocated_as_the_query_does(agreements):
    relocated = set(Transfer.objects.relocated().values_list("pk", flat=True))
    assert relocated
    for transfer in Transfer.objects.all():
        assert transfer.counts_as_relocated is (transfer.pk in relocated)


def test_the_published_count_counts_published_commitments_once_per_row(barcelona, quito):
    housing, health = builders.theme("housing"), builders.theme("health")
    both = builders.commitment(barcelona)
    both.themes.set([housing, health])
    builders.commitment(barcelona)
    builders.commitment(barcelona, state=Commitment.PublicationState.DRAFT)
    builders.commitment(quito, state=Commitment.PublicationState.SUBMITTED)

    cities = City.objects.annotate(n=Commitment.objects.published_count_per("city"))
    assert dict(cities.values_list("slug", "n")) == {"barcelona": 2, "quito": 0}
    # A filter joining themes does not inflate the count.
    joined = cities.filter(commitments__themes__in=[housing, health]).distinct()
    assert dict(joined.values_list("slug", "n")) == {"barcelona": 2}
    themes = Theme.objects.annotate(n=Commitment.objects.published_count_per("themes"))
    assert dict(themes.values_list("slug", "n")) == {"housing": 1, "health": 1}
