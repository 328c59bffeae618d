"""The spare site: what a build takes from the site it replaced two builds ago."""

from __future__ import annotations

from generator.site.spare import take_spare


def test_a_folder_the_engine_filled_is_not_replaced_by_the_spares(tmp_path):
    spare, site = tmp_path / ".site.spare", tmp_path / "site"
    (spare / "cases" / "a").mkdir(parents=True)
    (spare / "brands").mkdir()
    (site / "cases" / "x").mkdir(parents=True)  # the engine's own page there
    (site / "brands").mkdir()  # emptied of its shell
    assert take_spare(spare, site) == ("brands",)
    assert (site / "cases" / "x").is_dir()
    assert not (site / "cases" / "a").exists()
    assert not spare.exists()
