"""A deterministic synthetic corpus: fictional brands only, realistic case files.

Each case is about 40 lines: two or three promises, five timeline entries and a French summary
paragraph, like the cases people write. The same (cases, brands, seed) always gives the same
bytes, so benchmark runs compare like with like.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

AS_OF = dt.date(2026, 11, 24)
SCHEMA = "# yaml-language-server: $schema=../../generator/schemas/{}.schema.json\n"
SENTENCES = [
    "J'ai contacté le service client à plusieurs reprises sans obtenir de réponse claire.",
    "Le conseiller m'a promis un rappel sous quarante-huit heures, qui n'est jamais venu.",
    "Le remboursement annoncé n'apparaît toujours pas sur mon relevé bancaire.",
    "On m'a demandé d'envoyer un message privé, puis plus rien pendant des semaines.",
    "La livraison a été reportée trois fois, chaque fois avec une nouvelle excuse.",
    "Après l'envoi du colis retour, le magasin affirme ne pas l'avoir reçu.",
    "Le technicien devait passer dans la semaine, mais aucun rendez-vous n'a été fixé.",
    "Le dossier a été transmis au service compétent, selon la dernière réponse reçue.",
]
TITLES = [
    "Remboursement promis sous quatorze jours jamais versé",
    "Rappel promis sur les réseaux sociaux jamais effectué",
    "Livraison reportée sans nouvelle date",
    "Réparation sous garantie toujours en attente",
    "Réponse promise par courriel restée sans suite",
    "Colis perdu, remplacement promis",
]
KINDS = [
    ("refund", "within: 14 days"),
    ("callback", "within: 48 hours"),
    ("reply", "within: 5 business days"),
    ("delivery", "within: 2 weeks"),
    ("repair", None),
    ("replacement", "within: 10 days"),
]
CHANNELS = ["phone", "email", "web-form", "chat", "twitter", "facebook", "forum"]
COUNTRIES = ["FR", "BE", "DE", "ES", "GB", "IT", "NL"]


def brand_slug(i: int) -> str:
    return f"synth-brand-{i:05d}"


def case_text(rng: random.Random, case_no: int) -> str:
    """One realistic case file."""
    opened = AS_OF - dt.timedelta(days=rng.randint(20, 700))
    status = rng.choices(["open", "resolved", "abandoned"], [6, 3, 1])[0]
    closed = opened + dt.timedelta(days=rng.randint(5, 19)) if status != "open" else None
    confirmed = closed or min(AS_OF, opened + dt.timedelta(days=rng.randint(0, 200)))
    country = rng.choice(COUNTRIES)
    amount = f"{rng.randint(10, 1500)}.{rng.randint(0, 99):02d} EUR"
    lines = [
        SCHEMA.format("case").rstrip("\n"),
        f"title: {rng.choice(TITLES)} (dossier {case_no})",
        f"country: {country}",
        f"categories: [{rng.choice(['contact', 'returns-refunds', 'delivery', 'product'])}]",
        f"channels: [{', '.join(rng.sample(CHANNELS, 2))}]",
        f"opened_on: {opened.isoformat()}",
        f"status: {status}",
    ]
    if closed:
        lines.append(f"closed_on: {closed.isoformat()}")
    lines += [
        f"last_confirmed: {confirmed.isoformat()}",
        f"submitted_by: synth-user-{case_no % 997}",
        f'amount: "{amount}"',
        "summary: |",
        "  " + " ".join(rng.sample(SENTENCES, 3)),
        "promises:",
    ]
    day = opened
    for _ in range(rng.choice([2, 2, 3])):
        kind, deadline = rng.choice(KINDS)
        day = day + dt.timedelta(days=rng.randint(0, 4))
        lines += [
            f"  - kind: {kind}",
            f"    made_on: {day.isoformat()}",
            f"    via: {rng.choice(CHANNELS)}",
            f'    quote: "{rng.choice(SENTENCES)}"',
        ]
        if deadline:
            lines.append(f"    {deadline}")
        if kind == "refund":
            lines.append(f'    amount: "{amount}"')
        limit = closed or AS_OF
        if rng.random() < 0.4 and day < limit:
            kept = day + dt.timedelta(days=rng.randint(0, max(0, min(60, (limit - day).days))))
            lines.append(f"    kept_on: {kept.isoformat()}")
    lines.append("timeline:")
    for _ in range(5):
        event = opened + dt.timedelta(
            days=rng.randint(0, max(0, ((closed or AS_OF) - opened).days))
        )
        lines += [
            f"  - date: {event.isoformat()}",
            f"    channel: {rng.choice(CHANNELS)}",
            f"    text: {rng.choice(SENTENCES)}",
        ]
    return "\n".join(lines) + "\n"


def write_corpus(root: Path, cases: int, brands: int, seed: int = 2026) -> Path:
    """Write `cases` cases over `brands` brands under `root/cases`; return that folder."""
    folder = root / "cases"
    if folder.exists():
        shutil.rmtree(folder)
    rng = random.Random(seed)
    for b in range(brands):
        d = folder / brand_slug(b)
        d.mkdir(parents=True)
        (d / "brand.yml").write_text(
            SCHEMA.format("brand") + f"name: Synthétique {b:05d}\ncountry: FR\ndemo: true\n",
            encoding="utf-8",
        )
    for c in range(cases):
        text = case_text(rng, c)
        (folder / brand_slug(c % brands) / f"synth-case-{c:06d}.yml").write_text(
            text, encoding="utf-8"
        )
    return folder
