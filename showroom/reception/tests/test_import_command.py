"""`manage.py import_leads <file> --user <username>`: the same import from the command line."""

import pytest
from django.core.management import CommandError, call_command

from showroom.leads.models import Lead


@pytest.fixture
def sheet(tmp_path):
    path = tmp_path / "autohome.csv"
    path.write_bytes("姓名,手机号,来源\r\n张伟,13800138000,汽车之家\r\n王芳,13900139000,\r\n".encode("gbk"))
    return path


def test_the_command_imports_the_sheet_as_the_manager_and_prints_the_counts(sheet, manager, consultant, capsys):
    call_command("import_leads", str(sheet), user="manager", source="autohome")

    assert "imported=2" in capsys.readouterr().out
    assert Lead.objects.filter(created_by=manager).count() == 2


def test_the_command_lists_refused_rows_and_imports_nothing(tmp_path, manager, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,手机号\n张伟,123\n", encoding="utf-8")

    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("import_leads", str(bad), user="manager")
    assert "row 2, 手机号" in capsys.readouterr().err
    assert not Lead.objects.exists()


def test_the_command_refuses_a_user_without_the_import_right(sheet, consultant):
    with pytest.raises(CommandError, match="does not allow"):
        call_command("import_leads", str(sheet), user="owner")
    assert not Lead.objects.exists()
