"""The validation cache is never served stale, and a bad cache is never trusted."""

from __future__ import annotations

import json
import os

import pytest

from generator.load import cache as cache_module
from generator.load.cache import CACHE_DIR, CHECK_INDEX, CheckCache
from tests.support import AS_OF, VALID_CASE

INDEX = f"{CACHE_DIR}/{CHECK_INDEX}"


def entries_of(project) -> dict:
    """The files' entries in the cache file (its second line), without the brands' contexts."""
    entries = json.loads((project.root / INDEX).read_bytes().partition(b"\n")[2])
    return {k: v for k, v in entries.items() if not k.startswith(":")}


def rewrite(project, header=None, body=None) -> None:
    """Replace parts of the cache file, as a corruption or a foreign tool would."""
    path = project.root / INDEX
    head, _, rest = path.read_bytes().partition(b"\n")
    path.write_bytes(
        (header if header is not None else head) + b"\n" + (body if body is not None else rest)
    )


@pytest.fixture
def warm(project, run, monkeypatch):
    """A project with two valid cases, checked once so the cache holds both."""
    monkeypatch.setattr(cache_module, "RACY_NS", 0)  # files written just now count as settled
    project.case(VALID_CASE, name="acme/acme-one.yml")
    project.case(VALID_CASE, name="acme/acme-two.yml")
    assert run("--root", project.root, "check", "--as-of", AS_OF).code == 0
    assert set(entries_of(project)) == {"cases/acme/acme-one.yml", "cases/acme/acme-two.yml"}
    return project


def check(run, project, *extra):
    return run("--root", project.root, "check", "--as-of", AS_OF, *extra)


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The names of the files parsed from now on, in order."""
    from generator.load import loader

    names: list[str] = []
    original = loader.read_document
    monkeypatch.setattr(
        loader, "read_document", lambda path, *a: names.append(path.name) or original(path, *a)
    )
    return names


def test_unchanged_files_are_not_read_again(warm, run, parsed):
    result = check(run, warm)
    assert result.code == 0
    assert result.out == "Checked 3 files (1 brand, 2 valid cases): no problems.\n"
    assert parsed == ["brand.yml"]  # brands are always read; cross-file rules always run


def test_a_brands_new_contacts_check_its_cases_again(warm, run, parsed):
    """A case's validity depends on its brand's public contacts: changing them re-reads its
    cases, and a case giving the brand's own support address becomes valid."""
    warm.case(
        VALID_CASE + "summary: I wrote to help@acme-desk.example twice.\n", name="acme/acme-two.yml"
    )
    assert check(run, warm).code == 1
    brand = warm.cases / "acme" / "brand.yml"
    brand.write_text(brand.read_text() + "contacts: [help@acme-desk.example]\n")
    parsed.clear()
    result = check(run, warm)
    assert (result.code, sorted(parsed)) == (0, ["acme-one.yml", "acme-two.yml", "brand.yml"])


def test_a_cache_restored_into_a_fresh_checkout_spares_the_parsing(warm, run, parsed):
    """As in CI: the files are new (inode, times), their content is not: hash, do not parse."""
    for path in sorted((warm.root / "cases" / "acme").glob("acme-*.yml")):
        raw = path.read_bytes()
        path.unlink()
        path.write_bytes(raw)
    result = check(run, warm)
    assert result.code == 0
    assert parsed == ["brand.yml"]
    fresh = {os.stat(warm.root / name).st_ino for name in entries_of(warm)}
    assert {entry[3] for entry in entries_of(warm).values()} == fresh  # stats refreshed


def test_a_changed_file_is_checked_again(warm, run):
    warm.case(VALID_CASE.replace("country: FR", "country: XX"), name="acme/acme-one.yml")
    result = check(run, warm)
    assert result.code == 1
    assert "cases/acme/acme-one.yml:2:10: country: expected an ISO 3166-1" in result.out


def test_a_change_with_the_same_size_and_time_is_still_seen(warm, run):
    path = warm.cases / "acme" / "acme-one.yml"
    before = os.stat(path)
    path.write_text(VALID_CASE.replace("country: FR", "country: XX"))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert check(run, warm).code == 1


def test_renamed_and_deleted_files_are_never_served(warm, run):
    (warm.cases / "acme" / "acme-one.yml").rename(warm.cases / "acme" / "acme-renamed.yml")
    (warm.cases / "acme" / "acme-two.yml").unlink()
    result = check(run, warm)
    assert result.out == "Checked 2 files (1 brand, 1 valid case): no problems.\n"
    assert set(entries_of(warm)) == {"cases/acme/acme-renamed.yml"}


def test_duplicate_ids_are_found_even_when_both_files_are_cached(warm, run):
    warm.write("cases/other/brand.yml", "name: Other\n")
    os.link(warm.cases / "acme" / "acme-one.yml", warm.cases / "other" / "acme-one.yml")
    result = check(run, warm)
    assert result.code == 1
    assert "case id 'acme-one' is already used by cases/other/acme-one.yml" in result.out


def test_an_earlier_as_of_rechecks_dates(warm, run):
    result = run("--root", warm.root, "check", "--as-of", "2026-10-15")
    assert result.code == 1
    assert "expected a date on or before the as-of date 2026-10-15, got 2026-11-01" in result.out


def _header(project, **change) -> bytes:
    head = json.loads((project.root / INDEX).read_bytes().partition(b"\n")[0])
    head.update(change)
    return json.dumps(head).encode()


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (
            lambda p: rewrite(
                p,
                body=json.dumps(
                    {**entries_of(p), "cases/acme/acme-x.yml": [1, 1, 1, 1, "0", "2026-01-01"]}
                ).encode(),
            ),
            "corrupted (checksum mismatch)",
        ),
        (
            lambda p: rewrite(p, header=_header(p, key="0" * 64)),
            "made by another version of unkept",
        ),
        (lambda p: rewrite(p, header=_header(p, magic="something-else")), "not an unkept cache"),
        (lambda p: rewrite(p, header=b"{}"), "not an unkept cache"),
        (lambda p: rewrite(p, header=b"[1, 2]"), "unreadable (AttributeError)"),
    ],
)
def test_corrupted_or_foreign_cache_is_ignored(warm, run, tamper, why):
    tamper(warm)
    warm.case(VALID_CASE.replace("country: FR", "country: XX"), name="acme/acme-one.yml")
    result = check(run, warm)
    assert result.code == 1
    assert f"unkept: ignoring {INDEX}: {why}" in result.err
    assert "country: expected an ISO 3166-1" in result.out


def test_garbage_cache_file_is_ignored(warm, run):
    (warm.root / INDEX).write_bytes(b"\x00\xff not json")
    result = check(run, warm)
    assert result.code == 0
    assert f"ignoring {INDEX}: unreadable (UnicodeDecodeError)" in result.err or (
        f"ignoring {INDEX}: unreadable (JSONDecodeError)" in result.err
    )


def test_a_version_bump_invalidates_the_cache(warm, run, monkeypatch):
    cache_module.generator_key.cache_clear()
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    try:
        loaded = CheckCache.load(warm.root)
        assert loaded.entries == {}
        assert loaded.ignored == "made by another version of unkept"
    finally:
        cache_module.generator_key.cache_clear()


def test_an_edit_in_a_sub_package_changes_the_generator_key(tmp_path):
    import shutil

    package = tmp_path / "generator"
    shutil.copytree(cache_module.Path(cache_module.__file__).parent, package)
    nested = package / "stage" / "rules.py"
    nested.parent.mkdir(exist_ok=True)
    nested.write_text("RULE = 1\n")
    before = cache_module.code_digest(package)
    nested.write_text("RULE = 2\n")
    assert cache_module.code_digest(package) != before


def test_a_cache_folder_that_cannot_be_written_is_a_warning_and_the_check_goes_on(warm, run):
    import shutil

    shutil.rmtree(warm.root / CACHE_DIR)
    (warm.root / CACHE_DIR).write_text("a file where the cache folder goes\n")
    result = check(run, warm)
    assert result.code == 0
    assert result.err == (
        "unkept: warning: .unkept-cache: File exists; the validation cache was not saved (the "
        "next run reads every file again)\n"
    )


def test_no_cache_reads_everything(warm, run, parsed):
    assert check(run, warm, "--no-cache").code == 0
    assert sorted(parsed) == ["acme-one.yml", "acme-two.yml", "brand.yml"]


@pytest.mark.parametrize("per_part", [1, 1000])
def test_the_case_data_file_keeps_one_line_per_case_in_digest_order(
    tmp_path, monkeypatch, per_part
):
    """Builds keep each case's data as one string (not a tree of objects) and write it back
    in a stable order, in parts whose checksum is the whole body's; the single JSON file of
    earlier versions is removed."""
    monkeypatch.setattr(cache_module, "DOCS_PER_PART", per_part)
    cache = CheckCache.load(tmp_path)
    (tmp_path / CACHE_DIR).mkdir()
    (tmp_path / CACHE_DIR / "docs.json").write_text("{}")
    for name, title in [("b" * 40, "Deux\nlignes « é »"), ("a" * 40, "One")]:
        cache.record(
            f"cases/x/{name[0]}.yml",
            cache_module.Entry(cache_module.FileStamp(1, 2, 3, 4), name, "2026-01-01"),
        )
        cache.keep_doc(name, cache_module.doc_text({"title": title, "id": name[0]}))
    cache.save()
    head, body = (tmp_path / CACHE_DIR / cache_module.DOCS).read_text("utf-8").split("\n", 1)
    assert body == (
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa {"id":"a","title":"One"}\n'
        'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb {"id":"b","title":"Deux\\nlignes « é »"}\n'
    )
    assert json.loads(head)["magic"] == "unkept-case-data"
    assert not (tmp_path / CACHE_DIR / "docs.json").exists()
    again = CheckCache.load(tmp_path)
    assert again.load_doc("b" * 40) == {"id": "b", "title": "Deux\nlignes « é »"}
    assert again.load_doc("c" * 40) is None
