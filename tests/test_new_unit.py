"""`bulletin new unit SLUG --name NAME` scaffolds a commented unit file that already passes `check`."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli

from bulletin.pipeline.build import BuildOptions, load


def new_unit(site: Path, slug: str, name: str = "株洲市天元区群丰镇") -> tuple[int, str, str]:
    run = run_cli("new", "unit", slug, "--name", name, "--source", site)
    return run.code, run.out, run.err


def test_new_unit_writes_the_unit_file_and_an_empty_content_folder(example_site: Path) -> None:
    code, out, err = new_unit(example_site, "qunfeng")
    assert (code, err) == (0, "")
    unit_file = example_site / "data/units/qunfeng.yaml"
    assert "name: 株洲市天元区群丰镇\n" in unit_file.read_text("utf-8")
    assert list((example_site / "content/qunfeng").iterdir()) == []
    assert "created data/units/qunfeng.yaml" in out and "created content/qunfeng/" in out


def test_unit_file_explains_every_field_in_chinese_and_english(example_site: Path) -> None:
    new_unit(example_site, "qunfeng")
    text = (example_site / "data/units/qunfeng.yaml").read_text("utf-8")
    for field in ("short_name:", "region:", "category:", "reports:", "date:", "metrics:"):
        assert f"# {field}" in text or f"#   - {field}" in text or f"#     {field}" in text, field
    for words in ("单位全称（必填）", "Full name (required)", "800余", "1.4万", "近万", "at least", "about",
                  "counting word", "量词", "YYYY-MM-DD"):
        assert words in text, words


def test_unit_file_lists_the_sites_metrics(example_site: Path) -> None:
    new_unit(example_site, "qunfeng")
    text = (example_site / "data/units/qunfeng.yaml").read_text("utf-8")
    assert re.search(r"^#   study_sessions +党委（党组）集中学习研讨（次, cumulative）$", text, re.M)
    assert re.search(r"^#   matters_done +已办结实事（项, cumulative, part of matters_listed）$", text, re.M)
    assert "#       study_sessions_all: 40余次" in text, "the example's counting word is the metric's unit"


def test_site_with_the_new_unit_passes_check(example_site: Path) -> None:
    new_unit(example_site, "qunfeng")
    run = run_cli("check", "--source", example_site)
    assert (run.code, run.lines) == (0, [])
    assert "6 units" in run.out


def test_example_report_passes_check_once_uncommented(example_site: Path) -> None:
    new_unit(example_site, "qunfeng")
    unit_file = example_site / "data/units/qunfeng.yaml"
    text = unit_file.read_text("utf-8")
    example = text[text.index("# reports:"):]
    unit_file.write_text(text.replace(example, re.sub(r"^# ?", "", example, flags=re.M)), "utf-8")
    run = run_cli("check", "--source", example_site)
    assert (run.code, run.lines) == (0, [])
    site = load(BuildOptions(example_site, example_site / "output")).site
    assert site is not None and len(site.unit("qunfeng").reports) == 1


def test_name_with_yaml_special_characters_is_kept_exactly(example_site: Path) -> None:
    name = '某某公司: 党委 #1 "示范" [试点]'
    assert new_unit(example_site, "odd-name", name)[0] == 0
    site = load(BuildOptions(example_site, example_site / "output")).site
    assert site is not None and site.unit("odd-name").name == name


def test_new_unit_without_metric_catalogue_still_passes_check(minimal_site: Path) -> None:
    (minimal_site / "data/metrics.yaml").unlink(missing_ok=True)
    for unit in (minimal_site / "data/units").glob("*.yaml"):  # their figures need the catalogue
        unit.write_text("name: 示范单位\n", "utf-8")
    assert new_unit(minimal_site, "qunfeng")[0] == 0
    assert "先在 data/metrics.yaml 中定义指标" in (minimal_site / "data/units/qunfeng.yaml").read_text("utf-8")
    assert run_cli("check", "--source", minimal_site).code == 0


def test_existing_unit_is_never_overwritten(example_site: Path) -> None:
    unit_file = example_site / "data/units/zhuzhou-gaoke.yaml"
    before = unit_file.read_bytes()
    code, out, err = new_unit(example_site, "zhuzhou-gaoke")
    assert code == 1 and out == ""
    assert err == "bulletin: error: data/units/zhuzhou-gaoke.yaml already exists; edit it, or choose another slug\n"
    assert unit_file.read_bytes() == before


def test_bad_slug_exits_2_suggesting_a_slug(example_site: Path) -> None:
    for slug, suggestion in (("Gao Ke", "gao-ke"), ("高科集团", "gao-ke-ji-tuan"), ("Gaoke_2", "gaoke-2")):
        code, out, err = new_unit(example_site, slug)
        assert code == 2 and out == ""
        assert err == (f'bulletin: error: unit slug "{slug}" must be lowercase letters, digits and -, '
                       f'starting with a letter or digit; try "{suggestion}"\n')
    assert sorted(p.name for p in (example_site / "data/units").iterdir()) == sorted(
        p.name for p in (Path(__file__).resolve().parent.parent / "data/units").iterdir())
