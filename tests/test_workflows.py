"""The GitHub Actions workflows: hardened, valid, and made only of commands the tests run."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent


def load(path: Path) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); these are our own files.
    data = yaml.safe_load(path.read_text())
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict):
    for job_name, job in workflow["jobs"].items():
        for step in job["steps"]:
            yield job_name, job, step


def test_there_are_the_five_workflows():
    assert [p.name for p in WORKFLOWS] == [
        "cache.yml",
        "check.yml",
        "maintenance.yml",
        "new-case.yml",
        "publish.yml",
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_permissions(path):
    workflow = load(path)
    assert workflow["permissions"] == {}, "workflow-level permissions must be empty"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} states no permissions"
        assert all(v in ("read", "write") for v in job["permissions"].values())
    assert "pull_request_target" not in workflow["on"]
    assert "workflow_run" not in workflow["on"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_full_sha_with_a_version_comment(path):
    uses = re.findall(r"uses: (\S+)(.*)", path.read_text())
    assert uses
    for action, comment in uses:
        assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", action), action
        assert re.fullmatch(r" # v\d+(\.\d+)*", comment), (action, comment)


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkouts_keep_no_credentials_and_scripts_expand_no_event_data(path):
    for _, _, step in steps(load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        if "run" in step:
            assert "${{" not in step["run"], step["run"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_step_is_an_action_a_make_target_or_an_unkept_command(path):
    for _, _, step in steps(load(path)):
        if "uses" in step:
            continue
        run = step["run"]
        assert re.search(COMMAND, run), run


def run_scripts() -> list:
    """Every `run:` script of every workflow, as GitHub hands it to bash (after YAML parsing)."""
    return [
        pytest.param(step["run"], id=f"{path.name}:{job_name}:{step.get('name', '')}")
        for path in WORKFLOWS
        for job_name, _, step in steps(load(path))
        if "run" in step
    ]


@pytest.mark.parametrize("script", run_scripts())
def test_every_run_script_parses_as_bash_as_github_reads_it(script, tmp_path):
    """GitHub hands bash the script YAML parsed: a ` #` in a plain scalar starts a comment
    there and cuts the script (new-case.yml once lost its closing quote that way)."""
    path = tmp_path / "step.sh"
    path.write_text(script)
    result = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", run_scripts())
def test_every_run_script_passes_shellcheck(script, tmp_path):
    """Debian's ShellCheck (`make tools` installs it) on each script, read as GitHub's
    default `bash -e {0}` runs it."""
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is not installed: run `make tools`"
    path = tmp_path / "step.sh"
    path.write_text(script)
    result = subprocess.run(
        [shellcheck, "--shell=bash", "--severity=style", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shellcheck_sees_what_bash_n_does_not(tmp_path):
    """The check has teeth: an unquoted expansion parses, and ShellCheck still refuses it."""
    path = tmp_path / "step.sh"
    path.write_text("printf %s $BODY | unkept from-issue --body-file -\n")
    assert subprocess.run(["bash", "-n", str(path)]).returncode == 0
    result = subprocess.run(
        [shutil.which("shellcheck") or "shellcheck", "--shell=bash", str(path)],
        capture_output=True,
        text=True,
    )
    assert "SC2086" in result.stdout


NODE_24_MAJORS = {
    "actions/checkout": 5,
    "actions/setup-python": 6,
    "actions/cache/restore": 5,
    "actions/cache/save": 5,
    "actions/upload-pages-artifact": 5,
    "actions/deploy-pages": 5,
}
"""The first major version of each action that runs on Node 24 (Node 20 is retired)."""


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_majors_that_run_on_node_24(path):
    for action, major in re.findall(r"uses: ([\w./-]+)@[0-9a-f]{40} # v(\d+)", path.read_text()):
        assert action in NODE_24_MAJORS, f"{action}: add its first Node 24 major to the table"
        assert int(major) >= NODE_24_MAJORS[action], f"{action} v{major} runs on Node 20"


COMMAND = re.compile(
    r"(^|\| |\$\(|xargs )(make (-C \w+ )?[a-z-]+|(\w+/)?\.venv/bin/unkept (--root \w+ )?[a-z-]+)"
)
"""A make target (maybe in another checkout) or an unkept command (maybe on another tree)."""


def workflow_commands() -> tuple[set[str], set[str]]:
    text = "\n".join(p.read_text() for p in WORKFLOWS)
    return (
        set(re.findall(r"\.venv/bin/unkept (?:--root \w+ )?([a-z-]+)", text)),
        set(re.findall(r"\bmake (?:-C \w+ )?([a-z-]+)", text)),
    )


def test_every_command_the_workflows_call_is_run_by_the_tests():
    unkept, make = workflow_commands()
    assert unkept == {
        "check",
        "diff",
        "today",
        "release",
        "remind",
        "archive",
        "from-issue",
    }
    tests = "\n".join(
        p.read_text() for p in (REPO / "tests").glob("test_*.py") if p.name != "test_workflows.py"
    )
    for command in sorted(unkept):
        assert re.search(rf'"{command}"', tests), f"no test runs unkept {command}"
    makefile = (REPO / "Makefile").read_text()
    for target in sorted(make):
        assert re.search(rf"^{target}:", makefile, re.M), f"no make target {target}"
    assert make == {"test", "site", "install", "propose-archive"}


def cache_steps(path: Path) -> list[dict]:
    return [s for _, _, s in steps(load(path)) if s.get("uses", "").startswith("actions/cache")]


def test_the_validation_cache_is_saved_on_main_and_only_restored_by_pull_requests():
    saver = load(REPO / ".github/workflows/cache.yml")
    assert saver["on"]["push"]["branches"] == ["main"]
    assert set(saver["on"]) == {"push", "workflow_dispatch"}
    restore, save = cache_steps(REPO / ".github/workflows/cache.yml")
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@")
    (check,) = cache_steps(REPO / ".github/workflows/check.yml")
    assert check["uses"].startswith("actions/cache/restore@")  # pull-request code saves none
    # a new key per run (an entry is never overwritten); pull requests restore the newest
    assert save["with"]["key"] == restore["with"]["key"] == check["with"]["key"]
    assert save["with"]["key"].endswith("-${{ github.run_id }}")
    prefix = save["with"]["key"].removesuffix("${{ github.run_id }}")
    assert restore["with"]["restore-keys"] == check["with"]["restore-keys"] == prefix
    assert {s["with"]["path"] for s in (restore, save, check)} == {".unkept-cache"}
    assert not cache_steps(REPO / ".github/workflows/publish.yml")  # what it deploys is fresh


def test_publish_deploys_with_the_pages_actions_and_never_cancels_a_deploy():
    workflow = load(REPO / ".github/workflows/publish.yml")
    assert set(workflow["on"]) == {"push", "schedule", "workflow_dispatch"}
    cron = workflow["on"]["schedule"][0]["cron"]
    assert cron.split()[0] not in ("0", "*")  # off the hour
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(
        s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in build["steps"]
    )
    assert deploy["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_pull_request_checks_run_without_write_access_or_secrets():
    workflow = load(REPO / ".github/workflows/check.yml")
    assert list(workflow["on"]) == ["pull_request"]
    for job in workflow["jobs"].values():
        assert job["permissions"] == {"contents": "read"}
    assert "secrets." not in (REPO / ".github/workflows/check.yml").read_text()


def test_who_may_change_what_is_judged_by_the_base_branchs_code_on_the_pull_request_as_data():
    """A pull request that edits the rules' own code, its maintainers or cases_dir must not
    judge itself: the rules job installs and runs the base branch's checkout only."""
    rules = load(REPO / ".github/workflows/check.yml")["jobs"]["rules"]
    checkouts = [s for s in rules["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert [(c["with"].get("ref"), c["with"]["path"]) for c in checkouts] == [
        ("${{ github.base_ref }}", "trusted"),
        (None, "pr"),
    ]
    runs = [s["run"] for s in rules["steps"] if "run" in s]
    assert runs[0] == "make -C trusted install"
    for run in runs[1:]:
        assert run.startswith("trusted/.venv/bin/unkept --root pr "), run
    assert not any(re.search(r"(^|\s)(make|python|pip|pr/)", r.split(" ", 1)[1]) for r in runs[1:])
    test = load(REPO / ".github/workflows/check.yml")["jobs"]["test"]
    assert all("--author" not in s.get("run", "") for s in test["steps"])


def test_zizmor_finds_nothing_in_all_of_dot_github():
    """Workflows, dependabot.yml and the issue forms: zizmor reads them all."""
    result = subprocess.run(
        [
            BIN / "zizmor",
            "--offline",
            "--persona=auditor",
            "--no-progress",
            str(REPO / ".github"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("schema", "files"),
    [
        ("vendor.github-workflows", [str(p) for p in WORKFLOWS]),
        ("vendor.dependabot", [str(REPO / ".github/dependabot.yml")]),
        (
            "vendor.github-issue-forms",
            [str(p) for p in sorted((REPO / ".github/ISSUE_TEMPLATE").glob("*.yml"))],
        ),
        ("vendor.citation-file-format", [str(REPO / "CITATION.cff")]),
    ],
)
def test_files_match_githubs_schemas(schema, files):
    result = subprocess.run(
        [BIN / "check-jsonschema", "--builtin-schema", schema, *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
