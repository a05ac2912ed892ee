"""Start-up refuses bad configuration with a message that names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x7#kq2!vz9m@w4p$e8r^t1y&u6i*o3a(s5d)f0g-h+j=l_c;n:b,v.m/" * 2,
    "ALLOWED_HOSTS": "mayoralforum.example.org",
    "DATABASE_URL": "sqlite:////tmp/mayoralforum-settings-test.sqlite3",
    "BEHIND_PROXY": "1",
}


def run_settings(args, env_overrides, drop=()):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    # Explicitly not local: a checkout's .env (MAYORALFORUM_LOCAL=1) must not soften these.
    env["MAYORALFORUM_LOCAL"] = "0"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_bad_boolean_stops_start_up_naming_the_variable():
    result = run_settings(["check"], {**PRODUCTION_ENV, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_bad_number_stops_start_up_naming_the_variable():
    result = run_settings(["check"], {**PRODUCTION_ENV, "STALE_AFTER_DAYS": "a year"})
    assert result.returncode != 0
    assert "STALE_AFTER_DAYS='a year' is not a whole number" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env_without_key = dict(PRODUCTION_ENV)
    del env_without_key["SECRET_KEY"]
    result = run_settings(["check"], env_without_key, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = dict(PRODUCTION_ENV)
    del env["ALLOWED_HOSTS"]
    result = run_settings(["check"], env, drop=("ALLOWED_HOSTS",))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_an_unreadable_database_url_stops_start_up():
    result = run_settings(["check"], {**PRODUCTION_ENV, "DATABASE_URL": "nosuchdb://x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


@pytest.mark.parametrize("debug", ["0", "false", "off", "no"])
def test_the_deployment_check_is_clean_with_production_settings(debug):
    result = run_settings(
        ["check", "--deploy", "--fail-level", "WARNING"], {**PRODUCTION_ENV, "DEBUG": debug}
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_local_env_file_is_read_but_the_real_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("# local\nSTALE_AFTER_DAYS=90\nPUBLIC_CACHE_SECONDS='30'\n")
    script = (
        "from django.conf import settings; "
        "print(settings.STALE_AFTER_DAYS, settings.PUBLIC_CACHE_SECONDS)"
    )
    env = {**PRODUCTION_ENV, "ENV_FILE": str(env_file), "PUBLIC_CACHE_SECONDS": "120"}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mayoralforum.settings",
            "MAYORALFORUM_LOCAL": "0",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["90", "120"]
