"""The editors' guide (docs/编辑指南.md) shows what there is: its screenshots exist, its commands run."""

from __future__ import annotations

import re
import shlex

import pytest

from bulletin.cli import make_parser
from bulletin.messages import ENGLISH
from conftest import REPO

GUIDE = REPO / "docs" / "编辑指南.md"


def test_every_screenshot_of_the_guide_exists() -> None:
    images = re.findall(r"(?:\]\(|src=\")(screenshots/[^)\"]+\.png)", GUIDE.read_text("utf-8"))
    assert len(images) >= 4 and all((GUIDE.parent / image).is_file() for image in images)


@pytest.mark.parametrize("command", [line.split("#")[0].split("bulletin ", 1)[1] for line in
                                     GUIDE.read_text("utf-8").splitlines() if line.startswith("bulletin ")])
def test_every_command_of_the_guide_is_one_bulletin_takes(command: str) -> None:
    make_parser(ENGLISH).parse_args(shlex.split(command))
