"""`unkept new BRAND`: a new, valid case file from the template; never overwrites a file."""

from __future__ import annotations

import datetime as dt

import click

from generator.cli.app import COUNTRY, App, Pattern, as_of_option, pass_app

HANDLE = Pattern(
    "HANDLE", r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?", "a GitHub user name like jane-doe"
)


@click.command(short_help="Write a new case file from the template.")
@click.argument("brand")
@click.option(
    "--by",
    type=HANDLE,
    default="your-github-handle",
    help="Your GitHub user name, recorded as submitted_by.",
)
@click.option("--country", type=COUNTRY, help="Your country (ISO 3166-1 alpha-2).")
@click.option(
    "--new-brand", is_flag=True, help="BRAND is a new brand, even if close to one the tracker has."
)
@as_of_option
@pass_app
def new(
    app: App, brand: str, by: str, country: str | None, new_brand: bool, as_of: dt.date | None
) -> None:
    """Write a new case file for BRAND: its name ("Maison Meubles") or its folder name.

    A brand the tracker has is found by its name, an alias or its folder name, whatever the
    case, accents or legal form (SA, Ltd, ...); a name close to a brand's is refused with the
    candidates named, unless --new-brand. Made from cases/_template.yml, with today's date;
    never overwrites a file.
    """
    from generator.load.skeleton import new_case  # brand matching loads rapidfuzz: only here

    made = new_case(
        app.root,
        app.settings.cases_dir,
        brand,
        today=app.as_of(as_of),
        by=by,
        country=country,
        new_brand=new_brand,
    )
    if made.new_brand is not None:
        click.echo(f"New brand {made.new_brand!r} in {app.settings.cases_dir}/{made.brand}/")
    click.echo(f"Wrote {app.relative(made.path)}: fill it in, then run `unkept check` on it.")
