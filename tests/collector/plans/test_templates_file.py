"""The preventive templates file: shipped defaults, an operator's override laid over them,
and a file that cannot be used refused with a message naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.domain.recurrence import NonWorkingDay, Unit
from collector.domain.register import AssetKind
from collector.services.preventive_templates import (
    TEMPLATES_FILE,
    TemplateFileError,
    load_templates,
)


def test_the_shipped_templates_cover_every_asset_kind(tmp_path: Path) -> None:
    templates = load_templates(tmp_path)
    assert set(templates) == {k.value for k in AssetKind}
    [printer] = templates["printer"]
    assert (printer.maintenance, printer.every, printer.unit) == ("clean_printer", 3, Unit.MONTHS)
    assert templates["ups"][0].every == 6
    assert (templates["server"][0].maintenance, templates["server"][0].every) == ("patch_server", 1)


def test_an_override_replaces_a_kinds_list(tmp_path: Path) -> None:
    (tmp_path / TEMPLATES_FILE).write_text(
        '[templates]\nprinter = [{ maintenance = "clean_printer", every = 2, unit = "months",'
        ' on_non_working = "previous", estimated_cost = 200000 },'
        ' { maintenance = "inspect", every = 1, unit = "years" }]\nups = []\n',
        "utf-8",
    )
    templates = load_templates(tmp_path)
    assert [(t.maintenance, t.every, t.on_non_working) for t in templates["printer"]] == [
        ("clean_printer", 2, NonWorkingDay.PREVIOUS),
        ("inspect", 1, NonWorkingDay.NEXT),
    ]
    assert templates["ups"] == ()
    assert templates["server"][0].maintenance == "patch_server"  # untouched


@pytest.mark.parametrize(("text", "named"), [
    ("[templates]\ntoaster = []\n", "toaster"),
    ("[templat]\n", "templat"),
    ('[templates]\nprinter = [{ maintenance = "polish", every = 1, unit = "days" }]\n', "polish"),
    ('[templates]\nprinter = [{ maintenance = "inspect", every = 0, unit = "days" }]\n', "every"),
    ('[templates]\nprinter = [{ maintenance = "inspect", every = 1, unit = "moons" }]\n', "moons"),
    ('[templates]\nprinter = [{ maintenance = "inspect", every = 1, unit = "days",'
     ' colour = "red" }]\n', "colour"),
    ("[templates\n", "tidak dapat dipakai"),
])  # fmt: skip
def test_a_file_that_cannot_be_used_is_refused(tmp_path: Path, text: str, named: str) -> None:
    (tmp_path / TEMPLATES_FILE).write_text(text, "utf-8")
    with pytest.raises(TemplateFileError, match=named):
        load_templates(tmp_path)
