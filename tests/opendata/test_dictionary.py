"""/data/ documents every download column and every API field, in three languages."""

import pytest

from commitments.models import Commitment
from commitments.views import COMMITMENTS
from opendata import api_fields, dictionary


@pytest.mark.parametrize("listing", dictionary.LISTINGS, ids=lambda listing: listing.name)
def test_every_download_column_has_a_dictionary_entry(listing):
    missing = [c.name for c in listing.columns if dictionary.term(listing, c) is None]
    assert missing == [], f"{listing.name}: describe {missing} in opendata/dictionary.py"
    for entry in dictionary.entries(listing):
        assert entry.type in dictionary.TYPES
        assert str(entry.description)
        assert entry.example != "", f"{listing.name}.{entry.name} has no example"


def test_every_api_field_has_a_dictionary_entry(db):
    records = api_fields.records()
    names = {record.name for record in records}
    assert {"City", "Commitment", "Relocation", "Forum", "Outcome", "Theme"} <= names
    missing = [
        f"{record.name}.{field.name}"
        for record in records
        for field in record.fields
        if not str(field.description)
    ]
    assert missing == [], f"describe these API fields (help_text or API_TERMS): {missing}"


def test_a_column_can_carry_its_own_description():
    from core.listing import Column

    column = Column("odd", type="integer", description="An odd one.", example=3)
    found = dictionary.term(dictionary.LISTINGS[0], column)
    assert (found.type, found.description, found.example) == ("integer", "An odd one.", 3)


@pytest.mark.django_db
def test_data_page_documents_every_column_and_api_field(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):  # the releases
        response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    for listing in dictionary.LISTINGS:
        for column in listing.columns:
            assert f'id="column-{listing.name}-{column.name}"' in html
    assert "Number of people relocated: the people of transfers confirmed" in html
    assert 'id="api-Commitment"' in html
    assert "No release has been published yet." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "heading", "meaning"),
    [
        ("/es", "Datos: publicaciones y diccionario", "Número de personas reubicadas"),
        ("/fr", "Données : publications et dictionnaire", "Nombre de personnes relocalisées"),
    ],
)
def test_data_page_speaks_spanish_and_french(client, prefix, heading, meaning):
    html = client.get(f"{prefix}/data/").content.decode()
    assert heading in html
    assert meaning in html


@pytest.mark.parametrize("listing", dictionary.LISTINGS, ids=lambda listing: listing.name)
def test_an_example_of_a_column_with_choices_is_one_of_its_values(listing):
    """/data/ shows what a download holds: ``europe``, not the label "Europe"."""
    for column in listing.columns:
        choices = {value for value, _label in dictionary.choices_of(listing, column)}
        if choices:
            example = str(dictionary.term(listing, column).example)
            assert example in choices, f"{listing.name}.{column.name}: {example!r}"


@pytest.mark.django_db
def test_a_column_with_choices_lists_them_from_its_field(client):
    """The values of a status are the model's, in the page's language and in the data
    release's Table Schema: a status added to the model is documented with it."""
    html = client.get("/es/data/").content.decode()
    row = html[html.index('id="column-commitments-status"') :]
    row = row[: row.index("</tr>")]
    for value in Commitment.Status.values:
        assert f"<code>{value}</code>" in row, value
    assert "<code>in_progress</code> (en curso)" in row
    schema = dictionary.table_schema(COMMITMENTS)
    status = next(field for field in schema["fields"] if field["name"] == "status")
    assert status["constraints"] == {"enum": list(Commitment.Status.values)}
