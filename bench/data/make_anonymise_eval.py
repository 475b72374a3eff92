"""Writes anonymise_eval.jsonl: the labelled evaluation set of the anonymiser (bench/anonymise.py).

Every message is synthetic, written for this project: the people, numbers and handles do not
exist (national numbers and IBANs are generated with valid checksums, phone numbers in reserved
or random ranges). A template marks a span as [[LABEL|text]] and must-stay text as [[KEEP|text]];
{slot} draws from the pools below with a fixed seed, so the file is reproducible:

    .venv/bin/python bench/data/make_anonymise_eval.py
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from stdnum import iban as iban_module

OUT = Path(__file__).with_name("anonymise_eval.jsonl")
HOLDOUT = Path(__file__).with_name("anonymise_holdout.txt")
HOLDOUT_OUT = Path(__file__).with_name("anonymise_holdout.jsonl")
HOLDOUT2 = Path(__file__).with_name("anonymise_holdout2.txt")
HOLDOUT2_OUT = Path(__file__).with_name("anonymise_holdout2.jsonl")
HOLDOUT3 = Path(__file__).with_name("anonymise_holdout3.txt")
HOLDOUT3_OUT = Path(__file__).with_name("anonymise_holdout3.jsonl")
rng = random.Random(1712)

FIRST_NL = [
    "lisa",
    "emma",
    "noor",
    "lotte",
    "fien",
    "jana",
    "hanne",
    "yana",
    "elise",
    "marie",
    "jonas",
    "lars",
    "seppe",
    "robbe",
    "wout",
    "senne",
    "milan",
    "arne",
    "bram",
    "stijn",
    "kevin",
    "dirk",
    "luc",
    "annelies",
    "griet",
    "sofie",
    "ine",
    "tuur",
    "jef",
    "rik",
    "mieke",
]
FIRST_FR = [
    "chloé",
    "léa",
    "manon",
    "camille",
    "inès",
    "lucie",
    "sarah",
    "julie",
    "amandine",
    "océane",
    "nathan",
    "hugo",
    "lucas",
    "théo",
    "maxime",
    "kevin",
    "yanis",
    "mehdi",
    "karim",
    "sébastien",
    "jean-pierre",
    "marie-claire",
]
FIRST_EN = [
    "emily",
    "olivia",
    "grace",
    "chloe",
    "amy",
    "jack",
    "harry",
    "oliver",
    "george",
    "liam",
    "ryan",
    "tyler",
    "megan",
    "jessica",
]
FIRST_OTHER = [
    "mohamed",
    "youssef",
    "ayoub",
    "fatima",
    "amira",
    "yasmine",
    "elif",
    "emre",
    "burak",
    "oksana",
    "dmitri",
    "thiago",
]
SURNAMES = [
    "peeters",
    "janssens",
    "maes",
    "jacobs",
    "mertens",
    "willems",
    "claes",
    "goossens",
    "wouters",
    "de",
    "smet",
    "dubois",
    "lambert",
    "dupont",
    "van",
    "den",
    "broeck",
    "vermeulen",
    "de",
    "clercq",
    "hermans",
    "aerts",
    "desmet",
    "vandenberghe",
    "martens",
    "leclercq",
    "el",
    "amrani",
    "yilmaz",
]
SURNAMES = [
    "peeters",
    "janssens",
    "maes",
    "jacobs",
    "mertens",
    "willems",
    "claes",
    "goossens",
    "wouters",
    "de smet",
    "dubois",
    "lambert",
    "dupont",
    "van den broeck",
    "vermeulen",
    "de clercq",
    "hermans",
    "aerts",
    "desmet",
    "vandenberghe",
    "martens",
    "leclercq",
    "el amrani",
    "yilmaz",
]
TOWNS = [
    "Antwerpen",
    "Gent",
    "Brugge",
    "Leuven",
    "Hasselt",
    "Mechelen",
    "Aalst",
    "Kortrijk",
    "Genk",
    "Sint-Niklaas",
    "Turnhout",
    "Lier",
    "Geel",
    "Mol",
    "Ronse",
    "Tienen",
    "Diest",
    "Lokeren",
    "Roeselare",
    "Ieper",
    "Oostende",
    "Vilvoorde",
    "Halle",
    "Dendermonde",
    "Beringen",
    "Lommel",
    "Maasmechelen",
    "Tongeren",
    "Herentals",
    "Zottegem",
]
TOWNS_FR = [
    "Liège",
    "Namur",
    "Charleroi",
    "Mons",
    "Tournai",
    "Wavre",
    "Verviers",
    "Arlon",
    "Nivelles",
    "Mouscron",
]
POSTCODES = [
    ("2000", "Antwerpen"),
    ("9000", "Gent"),
    ("8000", "Brugge"),
    ("3000", "Leuven"),
    ("3500", "Hasselt"),
    ("2800", "Mechelen"),
    ("9300", "Aalst"),
    ("8500", "Kortrijk"),
    ("3600", "Genk"),
    ("2300", "Turnhout"),
    ("2500", "Lier"),
    ("2400", "Mol"),
    ("4000", "Liège"),
    ("5000", "Namur"),
    ("1000", "Brussel"),
    ("1030", "Schaerbeek"),
    ("2660", "Hoboken"),
    ("9100", "Sint-Niklaas"),
]
STREETS = [
    "Kerkstraat",
    "Stationsstraat",
    "Dorpsstraat",
    "Molenstraat",
    "Schoolstraat",
    "Nieuwstraat",
    "Kapelstraat",
    "Beekstraat",
    "Meir",
    "Turnhoutsebaan",
    "Lindenlaan",
    "Kasteeldreef",
    "Grote Markt",
    "Hoogstraat",
    "Veldstraat",
    "Bredabaan",
    "Kortrijksesteenweg",
    "Vrijheidslaan",
]
STREETS_FR = [
    "rue de la Station",
    "rue du Moulin",
    "avenue Louise",
    "rue Haute",
    "chaussée de Louvain",
    "rue de l'Église",
]
NUMBERS = ["12", "4", "27", "105", "3A", "12 bus 3", "8 bus 101", "44/2", "9b"]
SCHOOLS = [
    "Sint-Jozefscollege",
    "het Sint-Victorinstituut",
    "basisschool De Regenboog",
    "GO! atheneum Mol",
    "het atheneum van Lier",
    "KTA Zavelenberg",
    "Don Boscocollege",
    "Heilig-Hartinstituut",
    "lyceum Sint-Ursula",
    "school De Klimop",
    "Sint-Lodewijkscollege",
    "Atheneum Redingenhof",
]
SCHOOLS_FR = [
    "l'Athénée Royal de Namur",
    "l'école Saint-Joseph",
    "le collège Saint-Michel",
    "le lycée Martin V",
    "l'institut Sainte-Marie",
]
HOSPITALS = [
    "AZ Groeninge",
    "UZ Gent",
    "UZ Leuven",
    "AZ Delta",
    "ZNA Middelheim",
    "GZA Sint-Vincentius",
    "AZ Sint-Jan",
    "Jessa Ziekenhuis",
    "CHU de Liège",
    "AZ Turnhout",
    "ziekenhuis Oost-Limburg",
]
WORKPLACES = [
    "Colruyt",
    "Delhaize",
    "Carrefour",
    "Volvo Cars",
    "Umicore",
    "Barco",
    "Proximus",
    "Bpost",
    "Decathlon",
    "Aldi",
]
HANDLE_WORDS = [
    "lisa",
    "jonas",
    "darkwolf",
    "sunny",
    "bibi",
    "noor",
    "milan",
    "kiki",
    "ghost",
    "panda",
    "luna",
    "tuur",
    "lotje",
    "sk8r",
]
PLATFORMS_NL = ["snap", "insta", "tiktok", "discord", "roblox", "fortnite"]


def first(lang: str) -> str:
    pool = {"nl": FIRST_NL, "fr": FIRST_FR, "en": FIRST_EN}[lang] + FIRST_OTHER[:4]
    return rng.choice(pool)


def case(text: str) -> str:
    """Chat writers mostly skip capitals."""
    return text if rng.random() < 0.4 else text.lower()


def phone() -> str:
    d = [rng.randint(0, 9) for _ in range(6)]
    mob = f"4{rng.choice('6789')}{rng.randint(0, 9)}"
    forms = [
        f"0{mob} {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
        f"0{mob}/{d[0]}{d[1]}.{d[2]}{d[3]}.{d[4]}{d[5]}",
        f"0{mob}{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}{d[5]}",
        f"+32 {mob} {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
        f"+32{mob}{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}{d[5]}",
        f"0032 {mob} {d[0]}{d[1]}{d[2]}{d[3]}{d[4]}{d[5]}",
        f"0{mob}.{d[0]}{d[1]}.{d[2]}{d[3]}.{d[4]}{d[5]}",
        f"0{mob}-{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}{d[5]}",
        f"03 {d[0] + 2}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}1",
        f"09/{d[0] + 2}{d[1]}{d[2]}.{d[3]}{d[4]}.{d[5]}2",
        f"+31 6 {d[0]}{d[1]}{d[2]}{d[3]} {d[4]}{d[5]}12",
        f"06-{d[0]}{d[1]}{d[2]}{d[3]}{d[4]}{d[5]}34",
        f"+33 6 {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]} 12",
        f"+32 (0){mob} {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
        f"0{mob[0]} {mob[1:]} {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]}",
    ]
    return rng.choice(forms)


def national_number() -> str:
    yy, mm, dd, seq = (
        rng.randint(60, 99),
        rng.randint(1, 12),
        rng.randint(1, 28),
        rng.randint(1, 997),
    )
    base = f"{yy:02d}{mm:02d}{dd:02d}{seq:03d}"
    check = 97 - int(base) % 97
    n = base + f"{check:02d}"
    return rng.choice(
        [
            f"{n[0:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:]}",
            n,
            f"{n[0:6]} {n[6:9]} {n[9:]}",
            f"{n[0:6]}-{n[6:9]}-{n[9:]}",
        ]
    )


def bis_number() -> str:
    yy, mm, dd, seq = (
        rng.randint(60, 99),
        rng.randint(1, 12) + 40,
        rng.randint(1, 28),
        rng.randint(1, 997),
    )
    base = f"{yy:02d}{mm:02d}{dd:02d}{seq:03d}"
    return base + f"{97 - int(base) % 97:02d}"


def iban_be() -> str:
    while True:  # python-stdnum also checks that the bank code is one in use
        bank = f"{rng.choice([0, 1, 63, 68, 73, 96, 310, 363, 738, 751]):03d}"
        bank += f"{rng.randint(0, 9999999):07d}"
        bank += f"{int(bank) % 97 or 97:02d}"
        candidate = f"BE{iban_module.calc_check_digits('BE00' + bank)}{bank}"
        if iban_module.is_valid(candidate):
            break
    forms = [" ".join(candidate[i : i + 4] for i in range(0, 16, 4)), candidate, candidate.lower()]
    return rng.choice(forms)


def plate() -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTVWXYZ") for _ in range(3))
    n = rng.randint(100, 999)
    return rng.choice(
        [
            f"{rng.randint(1, 2)}-{letters}-{n}",
            f"{rng.randint(1, 2)}{letters}{n}",
            f"{rng.randint(1, 2)} {letters} {n}",
            f"{letters}-{n}",
            f"{rng.randint(1, 2)}-{letters.lower()}-{n}",
            f"GH-{n}-{letters[:2]}",
        ]
    )


def ip() -> str:
    if rng.random() < 0.25:
        return f"2a02:1812:{rng.randint(4096, 65535):x}:{rng.randint(16, 65535):x}::{rng.randint(1, 255):x}"
    return f"{rng.choice([81, 84, 91, 109, 178, 213, 192])}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"


def handle() -> str:
    w = rng.choice(HANDLE_WORDS)
    return rng.choice(
        [
            f"{w}_{rng.randint(1, 99)}",
            f"{w}{rng.randint(2005, 2014)}",
            f"xx{w}xx",
            f"{w}.{rng.choice(['x', 'official', 'vibes'])}",
            f"{w}_{rng.choice(['xo', 'lol', 'vibes'])}",
        ]
    )


def email() -> str:
    name = rng.choice(FIRST_NL + FIRST_FR)
    name = re.sub(r"[^a-z]", "", name.replace("é", "e"))
    return rng.choice(
        [
            f"{name}.{rng.choice(SURNAMES).replace(' ', '')}@gmail.com",
            f"{name}{rng.randint(1, 99)}@hotmail.com",
            f"{name}_{rng.randint(2000, 2012)}@outlook.be",
            f"{name}@telenet.be",
            f"{name}.{rng.choice(SURNAMES).replace(' ', '')}@skynet.be",
        ]
    )


def url() -> str:
    h = handle().replace(".", "_")
    return rng.choice(
        [
            f"https://www.instagram.com/{h}",
            f"tiktok.com/@{h}",
            f"www.facebook.com/{h}",
            f"https://youtu.be/{h}",
            f"http://{h}.be",
            f"snapchat.com/add/{h}",
        ]
    )


def date() -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2022, 2026)
    return rng.choice(
        [
            f"{d}/{m}/{y}",
            f"{d:02d}.{m:02d}.{y}",
            f"{d} {rng.choice(['maart', 'mei', 'juni', 'oktober', 'januari'])}",
            f"{d} {rng.choice(['mars', 'avril', 'juillet', 'septembre'])} {y}",
            f"{y}-{m:02d}-{d:02d}",
            f"{d}-{m}-{y}",
        ]
    )


def dob() -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1960, 2015)
    return rng.choice(
        [
            f"{d}/{m}/{y}",
            f"{d:02d}.{m:02d}.{y}",
            f"{d} {rng.choice(['maart', 'mei', 'juni', 'oktober'])} {y}",
            f"{d}-{m:02d}-{y}",
        ]
    )


def fill(template: str, lang: str) -> str:
    person = lambda: case(first(lang))  # noqa: E731
    slots = {
        "first": person,
        "full": lambda: case(f"{first(lang)} {rng.choice(SURNAMES)}"),
        "town": lambda: case(rng.choice(TOWNS if lang != "fr" else TOWNS_FR + TOWNS[:5])),
        "postcode": lambda: "{} {}".format(*rng.choice(POSTCODES)),
        "street": lambda: f"{case(rng.choice(STREETS))} {rng.choice(NUMBERS)}",
        "rue": lambda: (
            f"{rng.choice(NUMBERS[:4])} {rng.choice(STREETS_FR)}"
            if rng.random() < 0.3
            else f"{rng.choice(STREETS_FR)} {rng.choice(NUMBERS)}"
        ),
        "school": lambda: case(rng.choice(SCHOOLS)),
        "ecole": lambda: rng.choice(SCHOOLS_FR),
        "hospital": lambda: rng.choice(HOSPITALS),
        "work": lambda: rng.choice(WORKPLACES),
        "phone": phone,
        "email": email,
        "url": url,
        "ip": ip,
        "handle": handle,
        "nn": national_number,
        "bis": bis_number,
        "iban": iban_be,
        "plate": plate,
        "date": date,
        "dob": dob,
        "age": lambda: str(rng.randint(9, 17)),
        "adultage": lambda: str(rng.randint(19, 67)),
        "platform": lambda: rng.choice(PLATFORMS_NL),
    }
    return re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)](), template)


def parse(marked: str) -> tuple[str, list[dict[str, object]], list[dict[str, int]]]:
    text, spans, keep, pos = "", [], [], 0
    for m in re.finditer(r"\[\[(\w+)\|(.+?)\]\]", marked):
        text += marked[pos : m.start()]
        start = len(text)
        text += m.group(2)
        if m.group(1) == "KEEP":
            keep.append({"start": start, "end": len(text)})
        else:
            spans.append({"start": start, "end": len(text), "label": m.group(1)})
        pos = m.end()
    return text + marked[pos:], spans, keep


from anonymise_templates import TEMPLATES  # noqa: E402


def main() -> None:
    records = []
    for index, (lang, kind, template, repeat) in enumerate(TEMPLATES):
        for copy in range(repeat):
            text, spans, keep = parse(fill(template, lang))
            records.append(
                {
                    "id": f"{lang}-{kind}-{index:03d}-{copy}",
                    "lang": lang,
                    "kind": kind,
                    "text": text,
                    "spans": spans,
                    "keep": keep,
                }
            )
    with OUT.open("w", encoding="utf-8") as handle_out:
        for record in records:
            handle_out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} messages written to {OUT}")
    for source, target in (
        (HOLDOUT, HOLDOUT_OUT),
        (HOLDOUT2, HOLDOUT2_OUT),
        (HOLDOUT3, HOLDOUT3_OUT),
    ):
        write_holdout(source, target)


def write_holdout(source: Path, target: Path) -> None:
    holdout = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines()):
        if not line.strip() or line.startswith("#"):
            continue
        header, _, marked = line.partition("\t")
        lang, kind = header.split()
        text, spans, keep = parse(marked.replace("\\n", "\n"))
        holdout.append(
            {
                "id": f"holdout-{number}",
                "lang": lang,
                "kind": kind,
                "text": text,
                "spans": spans,
                "keep": keep,
            }
        )
    with target.open("w", encoding="utf-8") as handle_out:
        for record in holdout:
            handle_out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(holdout)} held-out messages written to {target}")


if __name__ == "__main__":
    main()
