"""Uploaded files stay on the local disk unless an S3-compatible bucket is configured."""

from tests.core.test_settings import PRODUCTION_ENV, run_settings

SHOW_STORAGE = [
    "shell",
    "--no-imports",
    "-c",
    "from django.core.files.storage import storages; s = storages['default']; "
    "print(type(s).__module__, type(s).__name__); "
    "print(getattr(s, 'location', ''), getattr(s, 'bucket_name', ''), "
    "getattr(s, 'endpoint_url', ''), getattr(s, 'object_parameters', ''))",
]


def test_uploads_go_to_the_local_media_folder_by_default():
    result = run_settings(SHOW_STORAGE, {**PRODUCTION_ENV, "MEDIA_ROOT": "/srv/mf/media"},
                  drop=("AWS_STORAGE_BUCKET_NAME",))  # fmt: skip
    assert result.returncode == 0, result.stderr
    kind, where = result.stdout.splitlines()[:2]
    assert kind == "django.core.files.storage.filesystem FileSystemStorage"
    assert where.startswith("/srv/mf/media")


def test_uploads_go_to_an_s3_compatible_bucket_when_one_is_named():
    env = {
        **PRODUCTION_ENV,
        "AWS_STORAGE_BUCKET_NAME": "mayoralforum-media",
        "AWS_S3_ENDPOINT_URL": "https://s3.example.org",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    result = run_settings(SHOW_STORAGE, env)
    assert result.returncode == 0, result.stderr
    kind, where = result.stdout.splitlines()[:2]
    assert kind == "storages.backends.s3 S3Storage"
    assert "mayoralforum-media https://s3.example.org" in where
    assert "'ContentDisposition': 'attachment'" in where  # downloaded, never rendered


def test_a_bucket_without_the_s3_extra_installed_stops_start_up_saying_what_to_install(
    tmp_path,
):
    # As if `pip install .` without `[s3]`: this sitecustomize hides the installed
    # django-storages and boto3 from the site's process.
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['storages'] = sys.modules['boto3'] = None\n"
    )
    env = {**PRODUCTION_ENV, "AWS_STORAGE_BUCKET_NAME": "mayoralforum-media",
           "PYTHONPATH": str(tmp_path)}  # fmt: skip
    result = run_settings(["check"], env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: AWS_STORAGE_BUCKET_NAME is set but S3 support" in result.stderr
    assert "-e '.[s3]'" in result.stderr

    without_bucket = run_settings(["check"], {**PRODUCTION_ENV, "PYTHONPATH": str(tmp_path)},
                          drop=("AWS_STORAGE_BUCKET_NAME",))  # fmt: skip
    assert without_bucket.returncode == 0, without_bucket.stderr
