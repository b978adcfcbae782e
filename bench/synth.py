"""Synthetic but realistic case studies for the benchmark.

Every case is valid: terms come from the project's own taxonomy, the four
sections are the configured ones, ``related`` names other generated cases.
The prose is made of words from a small vocabulary, which is all a build
cares about: roughly 400 words a section, with paragraphs, sub-headings,
lists, emphasis and the odd link, like the real cases in ``cases/``.
The same seed always gives the same files.
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

WORDS = """
learners learner staff tutors mentors peer prison probation college charity
service team training course courses qualification skills reading writing maths
support confidence work employment housing family council survey forum wing
workshop session sessions induction release resettlement community partners
employers youth young people officers managers leaders education library plan
plans feedback voice change changes review progress results outcome outcomes
week weeks month months year term together trained paid role roles regular
small group groups first later early often now each every many most some few
helps helped help asks asked listens listened meets met runs ran shares shared
agrees agreed takes took gives gave builds built finds found keeps kept moves
the the the the a a an and and and of of of to to to in in in for for with
with on on at by from that which who their our we they it this these those
is are was were has have had can will would should could more less better new
clear simple practical local national safe fair open honest useful careful
""".split()

SUBHEADINGS = [
    "How it started", "Training and support", "What learners do", "Working with staff",
    "Keeping it going", "What changed", "Listening to feedback", "Partners",
    "Recruiting mentors", "Measuring progress", "Funding", "Challenges",
]
PRACTICES = [
    "Peer mentors", "A learner council", "Learner surveys", "Reading buddies", "Employer workshops",
    "Peer health trainers", "A residents' forum", "Housing advice", "Maths coaching", "Focus groups",
    "Learner representatives", "Family learning days", "A young people's panel", "Induction peer workers",
    "Creative writing", "Job clubs", "Digital skills", "Lived-experience mentors",
]
SETTINGS_PHRASES = [
    "in reception", "on the wings", "after release", "in the community", "in education",
    "in the library", "in workshops", "for new arrivals", "for young people", "for women",
]
PLACE_PARTS = ["ash", "brook", "thorn", "ford", "wold", "mere", "field", "dale", "ton",
               "bury", "wick", "combe", "hollin", "kest", "fen", "carr", "ley", "stow"]
PROVIDER_KINDS = ["HMP {}", "HMYOI {}", "{} College", "{} Trust", "{} Probation",
                  "{} Youth Offending Service", "{} Approved Premises"]
ROLES = ["Learner", "Peer mentor", "Learner representative", "Tutor", "Prison officer",
         "Probation practitioner", "Young person", "Resident"]
FIRST_NAMES = ["Amira", "Dan", "Jo", "Kai", "Lee", "Mo", "Priya", "Sam", "Tom", "Zoe"]


class CaseWriter:
    """Writes ``count`` case files into ``cases_dir``, deterministically."""

    def __init__(self, taxonomy: dict[str, Any], sections: list[str], seed: int) -> None:
        self.random = random.Random(seed)
        self.sections = sections
        # field -> (labels, multiple, required)
        self.vocabularies = {
            field: ([t["label"] for t in spec.get("terms") or []], bool(spec.get("multiple")),
                    bool(spec.get("required")))
            for field, spec in taxonomy.items() if isinstance(spec, dict)
        }

    # --- prose -------------------------------------------------------------
    def sentence(self, low: int = 8, high: int = 20) -> str:
        words = [self.random.choice(WORDS) for _ in range(self.random.randint(low, high))]
        if len(words) > 10 and self.random.random() < 0.3:
            words[self.random.randint(3, len(words) - 4)] += ","
        if self.random.random() < 0.1:
            i = self.random.randrange(len(words))
            words[i] = f"**{words[i].rstrip(',')}**"
        return " ".join(words).capitalize() + "."

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        count = 0
        while count < words:
            s = self.sentence()
            out.append(s)
            count += len(s.split())
        return " ".join(out)

    def bullets(self) -> str:
        return "\n".join(f"- {self.sentence(4, 10).rstrip('.')}" for _ in range(self.random.randint(3, 6)))

    def section(self, index: int, words: int, link: str | None) -> str:
        """About ``words`` words of Markdown; the second section has sub-headings."""
        blocks: list[str] = []
        written = 0
        while written < words:
            if index == 1 and self.random.random() < 0.35:
                blocks.append(f"### {self.random.choice(SUBHEADINGS)}")
            block = self.bullets() if self.random.random() < 0.15 else self.paragraph(self.random.randint(50, 90))
            blocks.append(block)
            written += len(block.split())
        if link:
            blocks.append(f"You can read how a similar approach worked in [another case study]({link}).")
        return "\n\n".join(blocks)

    # --- names -------------------------------------------------------------
    def place(self) -> str:
        parts = self.random.sample(PLACE_PARTS, 2)
        return (parts[0] + parts[1]).capitalize()

    def providers(self, count: int) -> list[str]:
        names: set[str] = set()
        out: list[str] = []
        while len(out) < count:
            name = self.random.choice(PROVIDER_KINDS).format(self.place())
            if name in names:  # after the first few hundred, add a second word
                name = self.random.choice(PROVIDER_KINDS).format(f"{self.place()} {self.place()}")
            if name not in names:
                names.add(name)
                out.append(name)
        return out

    def terms(self, field: str) -> Any:
        labels, multiple, required = self.vocabularies[field]
        if not multiple:
            return self.random.choice(labels)
        low = 1 if required else 0
        count = self.random.randint(low, min(3, len(labels)))
        return self.random.sample(labels, count)

    # --- files -------------------------------------------------------------
    def write(self, cases_dir: Path, count: int) -> list[Path]:
        providers = self.providers(count)
        slugs = []
        titles = []
        for i, provider in enumerate(providers):
            practice = self.random.choice(PRACTICES)
            where = self.random.choice(SETTINGS_PHRASES)
            titles.append(f"{practice} {where} at {provider}")
            slug_words = f"{practice} {provider}".lower().replace("'", "")
            slugs.append("-".join("".join(c if c.isalnum() else " " for c in slug_words).split()) + f"-{i:05d}")
        paths = []
        first_day = date(2015, 1, 1)
        for slug, title, provider in zip(slugs, titles, providers, strict=True):
            others = [s for s in self.random.sample(slugs, min(4, len(slugs))) if s != slug]
            meta: dict[str, Any] = {
                "title": title,
                "provider": provider,
                "summary": self.paragraph(28),
                "published": first_day + timedelta(days=self.random.randrange(3650)),
            }
            if self.random.random() < 0.3:
                meta["reviewed"] = meta["published"] + timedelta(days=self.random.randrange(30, 900))
            for field in self.vocabularies:
                value = self.terms(field)
                if value:
                    meta[field] = value
            if self.random.random() < 0.4:
                meta["quote"] = {"text": self.paragraph(25), "by": self.random.choice(FIRST_NAMES),
                                 "role": self.random.choice(ROLES)}
            if others and self.random.random() < 0.5:
                meta["related"] = others[: self.random.randint(1, min(3, len(others)))]
            front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000,
                                   default_flow_style=None)
            body = []
            for index, heading in enumerate(self.sections):
                last = index == len(self.sections) - 1
                link = f"{others[0]}.md" if last and others and self.random.random() < 0.3 else None
                body.append(f"## {heading}\n\n{self.section(index, self.random.randint(370, 430), link)}")
            path = cases_dir / f"{slug}.md"
            path.write_text(f"---\n{front}---\n" + "\n\n".join(body) + "\n", encoding="utf-8")
            paths.append(path)
        return paths
