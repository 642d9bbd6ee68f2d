import importlib
import os
import subprocess
import sys

from django.conf import settings
from django.db import connection


def _production_settings(**env):
    """Import config.settings in a clean interpreter with the given environment and return some values."""
    code = (
        "import json, config.settings as s; print(json.dumps({'debug': s.DEBUG, 'hashers': s.PASSWORD_HASHERS,"
        " 'tz': s.TIME_ZONE, 'use_tz': s.USE_TZ, 'lang': s.LANGUAGE_CODE, 'engine': s.DATABASES['default']['ENGINE'],"
        " 'storage': s.STORAGES['staticfiles']['BACKEND']}))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "SHOWROOM_TESTING", "SECRET_KEY")}
    out = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=True,
                         cwd=settings.BASE_DIR)
    import json

    return json.loads(out.stdout)


def test_production_defaults_are_safe_and_chinese_first():
    values = _production_settings()
    assert values["debug"] is False
    assert values["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["tz"] == "Asia/Shanghai" and values["use_tz"] is True
    assert values["lang"] == "zh-hans"
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["storage"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_database_url_selects_postgresql():
    values = _production_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/showroom")
    assert values["engine"] == "django.db.backends.postgresql"


def test_serving_without_a_secret_key_is_refused_when_debug_is_off():
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "SHOWROOM_TESTING")}
    result = subprocess.run([sys.executable, "-c", "import config.wsgi"], env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
                            capture_output=True, text=True, cwd=settings.BASE_DIR)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_sqlite_runs_in_wal_mode(db):
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"


def test_the_settings_module_imports_cleanly():
    assert importlib.import_module("config.settings").USE_I18N is True
