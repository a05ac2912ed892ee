from import_export import fields

from core.imports import CuratedResource, SlugManyToManyWidget

from .models import City, Network


class CityResource(CuratedResource):
    """Cities by slug; networks as slugs separated by ``|``. Region follows the country."""

    networks = fields.Field(
        attribute="networks", column_name="networks", widget=SlugManyToManyWidget(Network)
    )
    region = fields.Field(attribute="region", column_name="region", readonly=True)
    subregion = fields.Field(attribute="subregion", column_name="subregion", readonly=True)

    class Meta:
        model = City
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "name",
            "kind",
            "country",
            "region",
            "subregion",
            "population",
            "latitude",
            "longitude",
            "website",
            "leader_name",
            "leader_title",
            "profile",
            "networks",
            "source_url",
            "source_citation",
        ]
        export_order = fields
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
