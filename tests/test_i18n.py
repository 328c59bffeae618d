"""Languages: the catalogues are complete, plurals and formats follow the locale, French
typography, the clear error for a language without a catalogue, and a fork in one file."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from generator.errors import SettingsError
from generator.i18n import Language
from generator.i18n.extract import problems
from generator.i18n.typography import NBSP, NNBSP, french
from tests.support import REPO, build, make_project, set_setting

TEMPLATES = REPO / "site_templates"
FR_PO = TEMPLATES / "locale/fr/LC_MESSAGES/unkept.po"


# --- The catalogues -------------------------------------------------------------------------


def test_every_message_is_in_the_catalogue_and_translated_in_every_language():
    """`make messages` has been run, and every shipped language translates everything."""
    assert list(problems(REPO)) == []


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    """A copy of what extraction reads, for a test to break."""
    shutil.copytree(REPO / "generator", tmp_path / "generator")
    shutil.copytree(TEMPLATES, tmp_path / "site_templates")
    return tmp_path


def _po_replace(root: Path, old: str, new: str) -> None:
    po = root / "site_templates/locale/fr/LC_MESSAGES/unkept.po"
    text = po.read_text()
    assert old in text
    po.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'msgstr "Aucune."',
            'msgstr ""',
            "site_templates/locale/fr/LC_MESSAGES/unkept.po:{line}: 'None.' is not translated",
        ),
        (
            'msgid "None."\nmsgstr "Aucune."',
            '#, fuzzy\nmsgid "None."\nmsgstr "Aucune."',
            "site_templates/locale/fr/LC_MESSAGES/unkept.po:{line}: 'None.' is marked fuzzy: "
            "check it, then remove the fuzzy flag",
        ),
        (
            'msgstr "Nouveau dossier : %(title)s"',
            'msgstr "Nouveau dossier : %(titre)s"',
            "site_templates/locale/fr/LC_MESSAGES/unkept.po:{line}: 'New case: %(title)s': "
            "unknown named placeholder 'titre'",
        ),
        (
            'msgstr "Aucune."',
            'msgstr "Aucune \\"vraiment\\"."',
            "site_templates/locale/fr/LC_MESSAGES/unkept.po:{line}: 'None.': the translation has "
            "'\"', which the message has not (translations are printed as written)",
        ),
    ],
)
def test_the_catalogue_check_names_what_a_translator_must_fix(sources, old, new, expected):
    _po_replace(sources, old, new)
    found = list(problems(sources))
    assert len(found) == 1, found
    line = re.match(r"[^:]+:(\d+):", found[0]).group(1)
    assert found == [expected.format(line=line)]


def test_a_new_message_in_a_template_is_caught_until_extracted_and_translated(sources):
    page = sources / "site_templates/pages/deadlines.md.j2"
    page.write_text(page.read_text() + '{{ _("A brand new sentence.") }}\n')
    assert list(problems(sources)) == [
        "site_templates/locale/unkept.pot: lacks 'A brand new sentence.'; run make messages",
        "site_templates/locale/fr/LC_MESSAGES/unkept.po: lacks 'A brand new sentence.'; run "
        "make messages, then translate it",
    ]


def test_the_french_catalogue_has_no_fuzzy_or_empty_entry_and_french_plural_rules():
    with FR_PO.open("rb") as fp:
        catalog = read_po(fp)
    assert catalog.plural_expr == "(n > 1)"
    entries = [m for m in catalog if m.id]
    assert len(entries) > 200
    assert not [m.id for m in entries if m.fuzzy]


# --- Plurals and formats --------------------------------------------------------------------

DAYS_LATE = ("%(num)s day late", "%(num)s days late")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("en", ["0 days late", "1 day late", "2 days late", "1,234 days late"]),
        (
            "fr",
            [
                "0 jour de retard",
                "1 jour de retard",
                "2 jours de retard",
                "1\u202f234 jours de retard",
            ],
        ),
    ],
)
def test_plurals_at_0_1_and_2_and_counts_in_the_locales_digits(code, expected):
    language = Language.load(TEMPLATES, code)
    assert [language.plural(*DAYS_LATE, n) for n in (0, 1, 2, 1234)] == expected


# Messages without values are translated when a template is compiled (FixedMessages); the
# page must read exactly as when `_` is called on every render.
FOLDING = [
    ('{{ _("Brand") }}', {"en": "Brand", "fr": "Marque"}),
    ('{{ label(_("Brand")) }}', {"en": "Brand:", "fr": "Marque\u00a0:"}),
    ('{{ _("Brand") if not x else _("Country") }}', {"en": "Country", "fr": "Pays"}),
    ('<a title="{{ _("Brand") }}">', {"en": '<a title="Brand">', "fr": '<a title="Marque">'}),
    ('{{ x._("Brand") }}', {"en": "attribute", "fr": "attribute"}),
    ('{{ _("closed on %(date)s", date="<b>") }}', {"en": "closed on &lt;b&gt;", "fr": None}),
]


@pytest.mark.parametrize("code", ["en", "fr"])
@pytest.mark.parametrize(("source", "expected"), FOLDING)
def test_messages_without_values_read_the_same_translated_when_compiled(code, source, expected):
    from types import SimpleNamespace

    from generator.site.templates import environment

    env = environment(TEMPLATES, Language.load(TEMPLATES, code))
    x = SimpleNamespace(_=lambda text: "attribute")
    out = env.from_string(source).render(x=x)
    if expected[code] is not None:
        assert out == expected[code]
    compiled = env.compile(source, raw=True)
    assert ("resolve('_')" in compiled) == ("%(" in source), compiled  # values: at render
    assert "resolve('label')" not in compiled


def test_a_template_compiled_in_one_language_is_never_served_in_another(tmp_path, monkeypatch):
    """Compiled code holds the messages FixedMessages translated, so the compiled templates
    cache keeps a template per language; a build loads it instead of compiling it again."""
    import tempfile

    import jinja2

    from generator.site.templates import environment

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # Jinja's folder, empty
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES / "locale", templates / "locale")
    (templates / "word.j2").write_text('{{ _("Brand") }}')

    def render(code: str) -> str:
        return (
            environment(templates, Language.load(templates, code)).get_template("word.j2").render()
        )

    assert (render("en"), render("fr")) == ("Brand", "Marque")
    assert len(list(tmp_path.glob("_jinja2-cache-*/__unkept_*.cache"))) == 2

    def compile_again(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(jinja2.Environment, "compile", compile_again)
    assert (render("fr"), render("en")) == ("Marque", "Brand")


def test_a_compiled_templates_folder_that_cannot_be_written_compiles_as_before(tmp_path):
    from generator.site.templates import CompiledTemplates, environment

    env = environment(TEMPLATES, Language.load(TEMPLATES, "fr"))
    env.bytecode_cache = CompiledTemplates(str(tmp_path / "gone"))  # no such folder
    assert env.from_string('{{ _("Brand") }}').render() == "Marque"
    assert env.get_template("files/badge.svg.j2") is not None
    assert not (tmp_path / "gone").exists()


@pytest.mark.parametrize(
    ("code", "day", "money", "percent", "delay", "country"),
    [
        ("en_GB", "28 November 2026", "€412.60", "66.7%", "5 business days", "France"),
        ("en", "November 28, 2026", "€412.60", "66.7%", "1 hour", "France"),
        ("fr", "28 novembre 2026", "412,60\u00a0€", "66,7\u00a0%", "5 jours ouvrés", "France"),
    ],
)
def test_dates_money_percentages_and_delays_follow_the_locale(
    code, day, money, percent, delay, country
):
    language = Language.load(TEMPLATES, code)
    assert language.date(dt.date(2026, 11, 28)) == day
    assert language.money(Decimal("412.60"), "EUR") == money
    assert language.percent(66.7) == percent
    assert (
        language.delay(1 if code == "en" else 5, "hours" if code == "en" else "business days")
        == delay
    )
    assert language.country("FR") == country


def test_a_moment_keeps_the_time_and_offset_it_was_written_with():
    moment = dt.datetime.fromisoformat("2026-10-02T18:40:00+02:00")
    assert Language.load(TEMPLATES, "fr").datetime(moment) == "2 octobre 2026 à 18:40 (UTC+02:00)"
    assert Language.load(TEMPLATES, "en_GB").datetime(moment) == (
        "2 October 2026 at 18:40 (UTC+02:00)"
    )


# --- French typography ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Marque : Velora", f"Marque{NBSP}: Velora"),
        ("Vraiment ? Oui ! Bon ; fin", f"Vraiment{NNBSP}? Oui{NNBSP}! Bon{NNBSP}; fin"),
        ("« démo fictive »", f"«{NNBSP}démo fictive{NNBSP}»"),
        ("https://unkept.example/ à 18:40", "https://unkept.example/ à 18:40"),  # untouched
        (f"déjà{NBSP}: fait", f"déjà{NBSP}: fait"),  # idempotent
    ],
)
def test_french_typography(text, expected):
    assert french(text) == expected


def test_typography_applies_to_the_catalogue_never_to_what_a_contributor_wrote():
    language = Language.load(TEMPLATES, "fr")
    assert language.text("New case: %(title)s", title="Remboursement : jamais ?") == (
        f"Nouveau dossier{NBSP}: Remboursement : jamais ?"
    )


# --- A language without a catalogue ---------------------------------------------------------


@pytest.mark.parametrize("code", ["de", "nl", "xx", "français"])
def test_a_language_without_a_catalogue_is_one_clear_error(code):
    with pytest.raises(SettingsError) as caught:
        Language.load(TEMPLATES, code, where="unkept.toml:3:1: [unkept].language")
    assert str(caught.value) == (
        f"unkept.toml:3:1: [unkept].language: no translation catalogue for {code!r}; the "
        "languages available are en, fr. To add one, copy site_templates/locale/unkept.pot to "
        "site_templates/locale/<language>/LC_MESSAGES/unkept.po, translate every entry (Poedit "
        'or any .po editor), then build: CONTRIBUTING.md, "Adding a language", has the steps'
    )


def test_a_region_uses_its_languages_catalogue_with_its_own_formats():
    language = Language.load(TEMPLATES, "fr_BE")
    assert (language.catalogue, language.tag) == ("fr", "fr-BE")
    assert language.gettext("None.") == "Aucune."


def test_adding_a_language_is_a_catalogue_file_and_no_python(sources):
    """The steps CONTRIBUTING.md gives: copy the template, translate, build."""
    target = sources / "site_templates/locale/de/LC_MESSAGES/unkept.po"
    target.parent.mkdir(parents=True)
    text = (sources / "site_templates/locale/unkept.pot").read_text()
    text = text.replace('msgid "None."\nmsgstr ""', 'msgid "None."\nmsgstr "Keine."')
    target.write_text(text.replace('"Content-Type', '"Language: de\\n"\n"Content-Type', 1))
    language = Language.load(sources / "site_templates", "de")
    assert language.gettext("None.") == "Keine."
    assert language.gettext("Ranking") == "Ranking"  # not translated yet: English meanwhile
    assert language.date(dt.date(2026, 11, 28)) == "28. November 2026"


# --- Whole builds ---------------------------------------------------------------------------


def visible_text(path: Path) -> str:
    """What a reader reads on a page: no scripts, styles or tags."""
    text = path.read_text()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()  # no-break spaces kept


PAGE_TYPES = (
    "index.html",
    "ranking/index.html",
    "ranking/by-rate/index.html",
    "brands/norteva-telecom/index.html",
    "cases/norteva-fibre-outage-callback/index.html",
    "cases/norteva-duplicate-report/index.html",  # withdrawn
    "deadlines/index.html",
    "corrections/index.html",
    "methodology/index.html",
    "contribute/index.html",
    "for-brands/index.html",
    "404.html",
)


@pytest.fixture(scope="module")
def french_site(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("fr") / "p", language="fr")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


@pytest.mark.slow
def test_the_french_site_shows_none_of_the_english_interface(french_site):
    """Every message the French catalogue translates differently, of two words or more (a
    single word like "Contact" may be the same), is absent from every page type."""
    with FR_PO.open("rb") as fp:
        catalog = read_po(fp)
    english = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in ids:
            if not text or text in strings:
                continue
            for piece in re.split(r"%\(\w+\)s|%%", text):  # the words between placeholders
                piece = piece.strip(" .:;,()")
                if len(piece.split()) >= 2:
                    english.add(piece)
    assert len(english) > 100
    for page in PAGE_TYPES:
        text = visible_text(french_site / page)
        assert '<html lang="fr"' in (french_site / page).read_text()
        leaks = sorted(e for e in english if e in text)
        assert leaks == [], page


@pytest.mark.slow
@pytest.mark.browser
def test_the_french_site_searches_cases_with_frances_stemmer(french_site):
    """Material's worker, loaded by Unkept's, fetches lunr's French files beside it."""
    from tests.browser import chromium, failed, search, serve

    with serve(french_site) as url, chromium() as browser:
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
        page.on("requestfailed", lambda r: failed(r) and errors.append(f"request failed: {r.url}"))
        asked = []
        page.on("response", lambda r: r.ok and asked.append(r.url))
        page.goto(url)
        first = search(page, "suitcase delivered")
        assert "Delayed suitcase delivered" in first.inner_text()
        loaded = " ".join(asked)
        assert "workers/unkept-search.js?material=search." in loaded
        assert "search/cases.json" in loaded
        assert "javascripts/lunr/min/lunr.fr.min.js" in loaded
        assert errors == []


@pytest.mark.slow
def test_the_french_site_writes_dates_numbers_money_and_plurals_in_french(french_site):
    case = visible_text(french_site / "cases/norteva-fibre-outage-callback/index.html")
    assert "51 jours de retard" in case
    assert "téléphone\u00a0: Three hours on hold" in case  # the timeline's colon, typeset
    assert "Classement\u00a0: Livraison" in visible_text(
        french_site / "ranking/delivery/index.html"
    )
    assert "Pays\u00a0: France" in case
    ranking = visible_text(french_site / "ranking/index.html")
    assert "412,60\u00a0€" in ranking
    assert "60\u00a0% (23,1\u00a0%\u201388,2\u00a0%)" in visible_text(
        french_site / "brands/hexa-home/index.html"
    )
    home = visible_text(french_site / "index.html")
    assert "Au 24 novembre 2026" in home
    assert "1 jour de retard" not in home or "1 jours" not in home
    for page in PAGE_TYPES:
        assert " 1 jours" not in visible_text(french_site / page), page
    feed = (french_site / "feeds/atom.xml").read_text()
    assert 'xml:lang="fr"' in feed
    assert "Nouveau dossier\u00a0:" in feed
    calendar = (french_site / "calendars/deadlines.ics").read_text()
    assert "échéance de" in calendar
    methodology = visible_text(french_site / "methodology/index.html")
    assert "Directive 2011/83/UE, article 13\u00a0: remboursement" in methodology


@pytest.mark.slow
def test_the_english_site_says_1_day_never_1_days(site):
    for page in [
        *PAGE_TYPES,
        "brands/velora-air/index.html",
        "cases/velora-lost-luggage/index.html",
    ]:
        text = visible_text(site / page)
        assert not re.search(r"\b1 (days|promises|cases|brands|hours|weeks)\b", text), page


@pytest.mark.slow
def test_settings_of_one_day_read_1_day_in_both_languages(tmp_path):
    """Counts that come from settings (stale_days, confirm_days) go through ngettext too."""
    for code, wrong in (("en", r"\b1 days\b"), ("fr", r"\b1 jours\b")):
        root = make_project(tmp_path / code, hostile=False, language=code)
        set_setting(root, "stale_days", 1)
        set_setting(root, "confirm_days", 1)
        result = build(root)
        assert result.returncode == 0, result.stderr
        for page in ("methodology/index.html", "for-brands/index.html", "ranking/index.html"):
            assert not re.search(wrong, visible_text(root / "site" / page)), (code, page)


FORK = {"name": "Parole Tenue", "site_url": "https://suivi.exemple.org/", "language": "fr"}


@pytest.mark.slow
def test_a_fork_in_one_file_shows_no_trace_of_unkept(tmp_path):
    """README's fork steps: another name, address and language in unkept.toml, then build.
    No page, feed, calendar, badge or data file names Unkept or its host."""
    root = make_project(tmp_path / "fork", hostile=False)
    for key, value in FORK.items():
        set_setting(root, key, value)
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    files = [
        p
        for p in site.rglob("*")
        if p.suffix in {".html", ".xml", ".ics", ".svg", ".json", ".csv", ".css", ".js"}
    ]
    assert {p.suffix for p in files} >= {".html", ".xml", ".ics", ".svg", ".json", ".csv"}
    for path in files:
        text = path.read_text(errors="replace")
        assert "Unkept" not in text, path.relative_to(site)
        assert "unkept.example" not in text, path.relative_to(site)
    home = (site / "index.html").read_text()
    assert "<title>Parole Tenue</title>" in home
    assert "tag:suivi.exemple.org,2026:feed" in (site / "feeds/atom.xml").read_text()
    assert "@suivi.exemple.org" in (site / "calendars/deadlines.ics").read_text()
    assert '"name": "parole-tenue"' in (site / "data/datapackage.json").read_text()
    assert "parole tenue" in (site / "badges/norteva-telecom.svg").read_text()


def test_every_word_of_the_case_format_has_its_translation_entry():
    """The vocabularies readers see are the schema's closed lists, word for word."""
    import json

    from generator.i18n.words import VOCABULARIES
    from generator.model.statuses import Status

    schema = json.loads((REPO / "generator/schemas/case.schema.json").read_text())
    promise = schema["properties"]["promises"]["items"]["properties"]
    assert list(VOCABULARIES["category"]) == schema["properties"]["categories"]["items"]["enum"]
    assert list(VOCABULARIES["case_status"]) == schema["properties"]["status"]["enum"]
    assert list(VOCABULARIES["kind"]) == promise["kind"]["enum"]
    assert list(VOCABULARIES["channel"]) == schema["definitions"]["channel"]["enum"]
    assert set(VOCABULARIES["status"]) == {s.value for s in Status}


def test_templates_see_the_environments_globals_as_one_plain_dict(tmp_path):
    """Jinja's ChainMap of globals made every render and every import go through
    Python-level lookups; the pages' environment gives each template one dict holding its
    globals, its own over the environment's, without changing the environment's."""
    from generator.site.templates import environment

    (tmp_path / "hello.j2").write_text(
        "{{ greeting }} {{ who }}{% import 'm.j2' as m %} {{ m.x() }}"
    )
    (tmp_path / "m.j2").write_text("{% macro x() %}{{ who }}!{% endmacro %}")
    env = environment(tmp_path, Language.load(TEMPLATES, "en"))
    env.globals["who"] = "world"
    page = env.get_template("hello.j2", globals={"greeting": "hi"})
    assert type(page.globals) is dict
    assert page.render() == "hi world world!"
    assert page.render(who="reader") == "hi reader world!"  # macros: imported without context
    assert "greeting" not in env.globals
    assert type(env.get_template("m.j2").globals) is dict


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{{ _("Case %(case)s", case=x) }}', "Case &lt;b&gt;&amp;&#34;&#39;"),
        ('{{ _("Case %(case)s", case=m) }}', "Case <b>kept</b>"),
        ('{{ _("Case %(case)s", case=n) }}', "Case 12"),
        ('{{ _("100%% %(case)s", case=x) }}', "100% &lt;b&gt;&amp;&#34;&#39;"),
        ('{{ ngettext("%(num)s day for %(case)s", "%(num)s days for %(case)s", 2, case=x) }}',
         "2 days for &lt;b&gt;&amp;&#34;&#39;"),
    ],
)  # fmt: skip
def test_a_messages_values_are_escaped_once_and_markup_kept(tmp_path, source, expected):
    """A message is trusted as a template is; each value put in it is escaped, unless it
    is already markup, and `%%` is a percent sign."""
    from markupsafe import Markup

    from generator.site.templates import environment

    (tmp_path / "t.j2").write_text(source)
    env = environment(tmp_path, Language.load(TEMPLATES, "en"))
    values = {"x": "<b>&\"'", "m": Markup("<b>kept</b>"), "n": 12}
    assert env.get_template("t.j2").render(values) == expected
