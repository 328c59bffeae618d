"""`unkept build`: check the cases and build the site; a failed build keeps the previous one."""

from __future__ import annotations

import datetime as dt
import logging

import click

from generator.cli.app import App, as_of_option, pass_app, plural
from generator.errors import BuildFailed, UnkeptError


class EngineFormatter(logging.Formatter):
    """`mkdocs: WARNING: ...`: the engine's name, not its module's."""

    def format(self, record: logging.LogRecord) -> str:
        record.engine = record.name.split(".")[0]
        return super().format(record)


@click.command(short_help="Check the cases and build the site into site/.")
@as_of_option
@click.option(
    "--site-dir",
    default="site",
    show_default=True,
    metavar="DIR",
    help="Where to put the site, relative to the root.",
)
@pass_app
def build(app: App, as_of: dt.date | None, site_dir: str) -> None:
    """Check the cases, then build the whole site with MkDocs into site/.

    A failed build leaves site/ as it was.
    """
    from generator.load.settings import setting_place
    from generator.site.engine_choice import activate

    activate(app.settings.engine, setting_place(app.root, "engine"))  # before any `mkdocs`
    from generator.site.build import build_site

    handler = logging.StreamHandler()
    handler.setFormatter(EngineFormatter("%(engine)s: %(levelname)s: %(message)s"))
    engine_logs = [logging.getLogger(name) for name in ("mkdocs", "properdocs")]
    for log in engine_logs:
        log.addHandler(handler)
        log.setLevel(logging.WARNING)
        log.propagate = False
    try:
        result = build_site(
            app.root, as_of=app.as_of(as_of), settings=app.settings, site_dir=site_dir
        )
    except UnkeptError as exc:
        problems = getattr(exc, "problems", ())
        raise BuildFailed(f"{exc}; the previous {site_dir}/ is unchanged.", problems) from exc
    finally:
        for log in engine_logs:
            log.removeHandler(handler)
    click.echo(
        f"Built {site_dir}/ as of {result.as_of} (data commit {result.commit}): "
        f"{plural(result.brands, 'brand')}, {plural(result.cases, 'case')}, "
        f"{plural(result.pages, 'page')} ({result.rendered:,} rendered, the others unchanged); "
        f"generator {result.seconds_generator:.1f} s, "
        f"{result.engine} {result.seconds_mkdocs:.1f} s."
    )
