"""How long ``showcase feedback publish`` takes to count and suppress, as the site grows.

Builds a synthetic feedback store in memory and times ``feedback.aggregate.aggregate``
(tallying, then small-number suppression in ``feedback/suppress.py``) on it.
Shaped like a real site's feedback: most pages have a handful of responses or
none, a few have many (a heavy tail), over a year and a half of months, with the
example site's intentions and roles (the taxonomy's provider types, "Other",
and "not given"), some without a rating, a few to addresses that are not the
site's pages and a few marked as spam. The same seed always gives the same store.

    .venv/bin/python bench/publish.py                        # 300, 1,000 and 5,000 pages
    .venv/bin/python bench/publish.py --pages 300 1000 --profile   # and where the time goes

Speed is judged here, never in a timed test: tests/feedback/publishing/
test_small_numbers.py checks instead that the work grows about linearly.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from feedback.aggregate import Aggregate, aggregate  # noqa: E402
from feedback.model import FeedbackResponse  # noqa: E402
from feedback.pages import SitePages  # noqa: E402
from feedback.store import StoredResponse  # noqa: E402

SIZES = (300, 1000, 5000)
INTENTIONS = ("practice", "similar", "interested", "other", "")
INTENTION_WEIGHTS = (30, 20, 35, 5, 10)
ROLES = ("prison", "probation-service", "college", "charity", "youth-offending-service", "other", "")
ROLE_WEIGHTS = (30, 12, 18, 20, 6, 6, 8)
RATINGS = (None, 1, 2, 3, 4, 5)
RATING_WEIGHTS = (30, 3, 5, 15, 25, 22)
MONTHS = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(18)]
RESPONSES_PER_PAGE = 6.5  # about 2,000 responses for 300 pages, as the problem was first seen


@dataclass(frozen=True)
class Measured:
    pages: int
    responses: int
    cells: int
    seconds: float

    def row(self) -> str:
        return f"| {self.pages:,} | {self.responses:,} | {self.cells:,} | {self.seconds:.2f} |"


def page_addresses(pages: int) -> list[str]:
    """The site's pages: mostly case studies, some toolkit chapters."""
    return [f"cases/case-{n:05d}/" if n % 10 else f"toolkit/kit-{n // 100}/chapter-{n:05d}/" for n in range(pages)]


def synthetic_store(pages: int, seed: int = 1) -> tuple[list[StoredResponse], SitePages]:
    """About ``RESPONSES_PER_PAGE`` responses a page on average: most pages few, some many."""
    chance = random.Random(seed)
    addresses = page_addresses(pages)
    # Pareto weights: a long tail of pages nobody answers, and a few popular ones.
    weights = [chance.paretovariate(1.3) for _ in addresses]
    scale = RESPONSES_PER_PAGE * pages / sum(weights)
    items: list[StoredResponse] = []
    number = 0
    for address, weight in zip(addresses, weights, strict=True):
        expected = weight * scale
        count = int(expected) + (chance.random() < expected - int(expected))
        for _ in range(count):
            number += 1
            items.append(_response(chance, number, address))
    for _ in range(max(1, len(items) // 50)):  # retired or mistyped addresses: counted as other pages
        number += 1
        items.append(_response(chance, number, f"cases/retired-{chance.randrange(pages):05d}/"))
    for _ in range(max(1, len(items) // 100)):  # spam: counted nowhere
        number += 1
        items.append(_response(chance, number, chance.choice(addresses), spam=True))
    return items, SitePages.of(addresses)


def _response(chance: random.Random, number: int, page: str, spam: bool = False) -> StoredResponse:
    month = chance.choice(MONTHS)
    intention = chance.choices(INTENTIONS, INTENTION_WEIGHTS)[0]
    role = chance.choices(ROLES, ROLE_WEIGHTS)[0]
    rating = chance.choices(RATINGS, RATING_WEIGHTS)[0]
    kind = "toolkit" if page.startswith("toolkit/") else "case"
    response = FeedbackResponse("bench", f"k{number}", page, kind, intention, role, rating, "", False, spam,
                        f"{month}-{chance.randint(1, 28):02d}T12:00:00+00:00")
    return StoredResponse(number, response, "pending")


def cell_count(result: Aggregate) -> int:
    """Roughly how many published counts the aggregate holds (for the table only)."""
    per_page = Counter(len(p.by_intention) + len(p.by_role) + len(p.ratings) + 2 for p in result.pages.values())
    overview = len(result.by_month) + len(result.by_intention) + len(result.by_role)
    return sum(n * k for n, k in per_page.items()) + overview


def measure(pages: int, seed: int = 1, profile: bool = False) -> tuple[Measured, str]:
    items, site = synthetic_store(pages, seed)
    profiler = cProfile.Profile() if profile else None
    start = time.perf_counter()
    if profiler:
        profiler.enable()
    result = aggregate(items, site)
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - start
    text = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
        text = out.getvalue()
    responses = sum(1 for s in items if not s.response.spam)
    return Measured(pages, responses, cell_count(result), seconds), text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=list(SIZES), help="sizes (default 300 1000 5000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="profile the aggregate at every size (cProfile)")
    args = parser.parse_args(argv)
    print("| Pages | Responses (not spam) | Published counts | Aggregate + suppression (s) |")
    print("| ---: | ---: | ---: | ---: |", flush=True)
    profiles = []
    for pages in args.pages:
        measured, text = measure(pages, args.seed, args.profile)
        print(measured.row(), flush=True)
        if text:
            profiles.append(f"\n{pages:,} pages, under cProfile:\n{text}")
    for text in profiles:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
