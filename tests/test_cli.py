"""The `unkept` command end to end: the installed console script on the shipped demo data."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import yaml

from tests.support import AS_OF, REPO, unkept


def test_demo_cases_are_valid():
    result = unkept("check", "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.fullmatch(
        r"Checked \d+ files \(4 brands, 13 valid cases\): no problems\.\n", result.stdout
    )


def test_demo_status_exercises_every_status():
    result = unkept("status", "--as-of", AS_OF, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == AS_OF
    statuses = {p["status"] for p in data["promises"]}
    assert statuses == {
        "kept",
        "kept-late",
        "claimed",
        "pending",
        "overdue",
        "unconfirmed",
        "broken",
        "moot",
        "withdrawn",
    }
    assert any(p["stale"] for p in data["promises"])
    assert {p["deadline_source"] for p in data["promises"]} == {"stated", "default"}
    assert {p["kept_per"] for p in data["promises"]} == {None, "consumer", "brand"}
    claimed = next(p for p in data["promises"] if p["status"] == "claimed")
    assert (claimed["kept_on"], claimed["claim_due"], claimed["disputed"]) == (
        "2026-11-20",
        "2026-12-05",
        False,
    )
    assert any(p["disputed"] for p in data["promises"])


def test_status_table_for_one_case():
    result = unkept("status", "--as-of", AS_OF, "norteva-fibre-outage-callback")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Promise statuses as of 2026-11-24",
        "case                           #  kind      made        due         deadline  kept        "
        "status   days  notes",
        "norteva-fibre-outage-callback  1  callback  2026-10-02  2026-10-04  stated    -           "
        "overdue  +51   disputed",
        "norteva-fibre-outage-callback  2  callback  2026-10-09  2026-10-11  default   2026-11-20  "
        "claimed  +40   consumer may reject until 2026-12-05",
        "",
        "2 promises: 1 claimed, 1 overdue",
    ]


def test_same_input_and_date_give_identical_output():
    first = unkept("status", "--as-of", AS_OF, "--format", "json").stdout
    second = unkept("status", "--as-of", AS_OF, "--format", "json").stdout
    assert first == second


def test_status_refuses_invalid_data(project):
    project.case("title: [\n")
    result = unkept("status", "--as-of", AS_OF, cwd=project.root)
    assert result.returncode == 1
    assert result.stderr.startswith("cases/acme/acme-case.yml:2:1: expected valid YAML")
    assert "Traceback" not in result.stderr


def test_new_writes_the_template_and_never_overwrites(project):
    first = unkept("new", "acme", "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root)
    assert first.returncode == 0, first.stderr
    path = project.cases / "acme" / "acme-2026-11-24.yml"
    assert first.stdout.startswith("Wrote cases/acme/acme-2026-11-24.yml")
    text = path.read_text()
    assert text.startswith(
        "# yaml-language-server: $schema=../../generator/schemas/case.schema.json"
    )
    assert "submitted_by: jane-doe" in text
    assert "opened_on: 2026-11-24" in text
    path.write_text(text + "# my own notes\n")

    second = unkept("new", "Acme", "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root)
    assert second.returncode == 0, second.stderr
    assert (project.cases / "acme" / "acme-2026-11-24-2.yml").is_file()
    assert path.read_text().endswith("# my own notes\n")  # untouched


def fill_in(path):
    """The template's example story replaced by the submitter's own."""
    template = yaml.safe_load((REPO / "cases" / "_template.yml").read_text())
    text = path.read_text()
    text = text.replace(template["title"], "Router callback never came after three weeks")
    text = text.replace(template["promises"][0]["quote"], "An adviser calls you within 48 hours.")
    text = text.replace(template["timeline"][0]["text"], "Asked on Twitter for a callback.")
    first, rest = template["summary"].split("\n", 1)
    text = text.replace(first, "The router died.").replace(rest.strip(), "Nobody called.")
    path.write_text(text)


def test_the_template_story_cannot_be_published_until_it_is_replaced(project):
    assert (
        unkept("new", "acme", "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root).returncode
        == 0
    )
    path = project.cases / "acme" / "acme-2026-11-24.yml"
    check = unkept("check", "--as-of", AS_OF, cwd=project.root)
    assert check.returncode == 1
    assert [line.split(": ")[1] for line in check.stdout.splitlines()] == [
        "title",
        "summary",
        "promises[0].quote",
        "timeline[0].text",
    ]
    assert all("got the template's example text" in line for line in check.stdout.splitlines())
    fill_in(path)
    check = unkept("check", "--as-of", AS_OF, cwd=project.root)
    assert check.returncode == 0, check.stdout
    assert "2 files (1 brand, 1 valid case)" in check.stdout


def test_new_without_by_leaves_a_placeholder_check_refuses(project):
    assert unkept("new", "acme", "--as-of", AS_OF, cwd=project.root).returncode == 0
    fill_in(project.cases / "acme" / "acme-2026-11-24.yml")
    check = unkept("check", "--as-of", AS_OF, cwd=project.root)
    assert check.stdout.splitlines() == [
        "cases/acme/acme-2026-11-24.yml:48:15: submitted_by: expected your GitHub user name, "
        "got the template's placeholder 'your-github-handle'"
    ]


def test_new_brand_by_name_gets_a_slug_and_a_brand_file(project):
    result = unkept(
        "new", "Maison Meubles SARL", "--country", "DE", "--as-of", AS_OF, cwd=project.root
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.splitlines()[0] == "New brand 'Maison Meubles SARL' in cases/maison-meubles/"
    )
    brand = yaml.safe_load((project.cases / "maison-meubles" / "brand.yml").read_text())
    assert brand == {"name": "Maison Meubles SARL"}
    assert (
        "country: DE"
        in (project.cases / "maison-meubles" / "maison-meubles-2026-11-24.yml").read_text()
    )
    fill_in(project.cases / "maison-meubles" / "maison-meubles-2026-11-24.yml")
    assert unkept("check", "--as-of", AS_OF, cwd=project.root).returncode == 1  # your-github-handle


@pytest.mark.parametrize("written", ["acme", "ACME", "Acme SA", "Acmé"])
def test_new_finds_the_brand_however_it_is_written(project, written):
    result = unkept("new", written, "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote cases/acme/acme-2026-11-24.yml")
    assert sorted(p.name for p in project.cases.iterdir()) == ["_template.yml", "acme"]


def test_new_refuses_a_near_brand_unless_told_it_is_new(project):
    refused = unkept("new", "Acmee", "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root)
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "unkept: error: 'Acmee' is close to brands this tracker has: Acme (acme); give one of "
        "their folder names, or --new-brand if it is another brand"
    )
    assert not (project.cases / "acmee").exists()
    chosen = unkept(
        "new", "Acmee", "--new-brand", "--by", "jane-doe", "--as-of", AS_OF, cwd=project.root
    )
    assert chosen.returncode == 0, chosen.stderr
    assert (project.cases / "acmee" / "acmee-2026-11-24.yml").is_file()


def test_every_command_is_documented_in_the_readme():
    readme = (REPO / "README.md").read_text()
    help_text = unkept("--help").stdout
    listed = help_text.split("Commands:\n", 1)[1]
    names = re.findall(r"^  ([a-z-]+)\s", listed, re.M)
    assert "..." not in listed  # each command's summary is shown whole
    assert {"check", "status", "new"} <= set(names)
    for name in names:
        assert f"`unkept {name}" in readme, f"unkept {name} is not documented in README.md"


def test_check_copies_of_the_demo_outside_the_repo(tmp_path):
    shutil.copytree(REPO / "cases", tmp_path / "cases")
    result = unkept("check", "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_check_formats_agree_on_a_valid_tree(fmt):
    result = unkept("check", "--as-of", AS_OF, "--format", fmt)
    assert result.returncode == 0
    if fmt == "json":
        assert json.loads(result.stdout) == []


def test_today_is_the_date_in_the_trackers_time_zone(project, run):
    import datetime as dt
    import zoneinfo

    project.write("unkept.toml", '[unkept]\ntimezone = "Pacific/Kiritimati"\n')
    before = dt.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    result = run("--root", project.root, "today")
    after = dt.datetime.now(zoneinfo.ZoneInfo("Pacific/Kiritimati")).date()
    assert result.code == 0
    assert result.out.strip() in {before.isoformat(), after.isoformat()}


def test_the_command_leaves_its_objects_to_reference_counting_at_exit():
    """Python's shutdown collected over everything a build left alive (0.7 s of a 7 s
    rebuild at 10,000 cases): `main` freezes it all at exit instead."""
    import subprocess
    import sys

    script = (
        "import atexit, gc\n"
        "atexit.register(lambda: print(gc.get_freeze_count() > 1000))\n"  # runs last
        "from generator.cli import main\n"
        "main(['--version'])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert out.splitlines()[-1] == "True"
