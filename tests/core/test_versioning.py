"""Every versioned record numbers its saves in the statement that writes: a save from
an editor's version writes only over that version; any other save takes the next
number from the database."""

import pytest
from django.apps import apps
from django.core import serializers
from django.db import transaction
from model_bakery import baker

from core.models import EditConflict, VersionedModel
from forums.models import Theme
from tests import builders


@pytest.fixture
def housing(db):
    return builders.theme("housing")


def test_a_save_from_the_current_version_writes_and_takes_the_next_number(housing):
    housing.name = "Housing and shelter"
    housing.save(expected_version=1)
    housing.refresh_from_db()
    assert (housing.name, housing.version) == ("Housing and shelter", 2)
    assert housing.history.latest().version == 2


def test_a_save_from_an_older_version_is_refused_and_writes_nothing(housing):
    theirs = Theme.objects.get(pk=housing.pk)
    theirs.description = "Theirs"
    theirs.save()
    housing.name = "Mine"
    with pytest.raises(EditConflict) as refused, transaction.atomic():
        housing.save(expected_version=1)
    assert refused.value.code == "conflict"
    housing.refresh_from_db()
    assert (housing.name, housing.description, housing.version) == ("Housing", "Theirs", 2)
    assert housing.history.count() == 2


def test_the_version_an_edit_form_loaded_is_checked_by_a_plain_save(housing):
    Theme.objects.get(pk=housing.pk).save()
    housing.expected_version = 1  # as set by the edit form
    with pytest.raises(EditConflict), transaction.atomic():
        housing.save()


def test_a_save_from_a_version_of_a_deleted_record_is_refused(housing):
    Theme.objects.filter(pk=housing.pk).delete()
    with pytest.raises(EditConflict) as refused, transaction.atomic():
        housing.save(expected_version=1)
    assert refused.value.code == "deleted"
    assert not Theme.objects.exists()


def test_saves_without_a_loaded_version_never_share_a_number(housing):
    # Two copies read at version 1, saved one after the other by code that checks
    # nothing: each still gets its own number from the database.
    first, second = Theme.objects.get(pk=housing.pk), Theme.objects.get(pk=housing.pk)
    first.save()
    second.save()
    assert (first.version, second.version) == (2, 3)
    assert sorted(housing.history.values_list("version", flat=True)) == [1, 2, 3]


def test_a_fixture_keeps_the_version_it_gives(housing):
    data = serializers.serialize("json", [housing]).replace('"version": 1', '"version": 7')
    for obj in serializers.deserialize("json", data):
        obj.save()
    housing.refresh_from_db()
    assert housing.version == 7


VERSIONED = sorted(
    (m for m in apps.get_models() if issubclass(m, VersionedModel)), key=lambda m: m.__name__
)


@pytest.mark.parametrize("model", VERSIONED, ids=lambda m: m.__name__)
def test_every_versioned_record_refuses_a_save_from_an_older_version(db, model):
    if model._meta.label == "forums.FigureClaim":
        # A figure is about one forum or one document, with its source (constraints).
        record = baker.make(
            model, forum=baker.make("forums.Forum"), outcome_document=None, source_citation="A"
        )
    else:
        record = baker.make(model)
    model.objects.get(pk=record.pk).save()  # someone else's save
    with pytest.raises(EditConflict), transaction.atomic():
        record.save(expected_version=record.version)
    assert model.objects.get(pk=record.pk).version == record.version + 1
