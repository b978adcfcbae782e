"""The whole catalogue as open data: ``cases.json``, ``cases.csv`` and ``cases.schema.json``.

So that anyone can reuse the case studies (a research team's spreadsheet, a
partner's own list) without scraping the pages. Every front-matter field is
there, with each case's address, and drafts never are: not even when the site
shows them, as ``drafts: show`` and ``mkdocs serve`` do.

The JSON is the faithful copy; its schema is written from the same taxonomy,
so a site's own vocabularies are in it. The CSV is for spreadsheets: UTF-8
with a byte-order mark, because Excel, which most readers open it with, reads
a CSV without one in the computer's old code page and garbles letters such as
"ŵ" and curly quotes; and a cell that would start with = + - @ (or a tab or
carriage return) gets a leading apostrophe, so that no spreadsheet runs it as
a formula (OWASP's advice on CSV injection). Nothing here reads the clock: an
unchanged site gives the same bytes.
"""
from __future__ import annotations

import csv
import io
import json
from typing import Any

from core.taxonomy import Vocabulary

from . import addresses
from .model import Case, Catalogue

JSON_FILE = "cases.json"
CSV_FILE = "cases.csv"
SCHEMA_FILE = "cases.schema.json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
LIST_SEPARATOR = "; "  # between the terms (or related cases) in one CSV cell
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may take as the start of a formula


def open_data_files(catalogue: Catalogue, site_name: str, site_url: str | None,
                    directory_urls: bool) -> dict[str, bytes]:
    """The three files, by path below the site root."""
    root = site_url.rstrip("/") + "/" if site_url else None
    cases = _published(catalogue)
    slugs = {case.slug for case in cases}
    records = [_record(case, catalogue, slugs, root, directory_urls) for case in cases]
    document = {"site_name": site_name, "site_url": root, "schema": SCHEMA_FILE, "cases": records}
    return {
        JSON_FILE: _json_bytes(document),
        CSV_FILE: _csv_bytes(catalogue, records),
        SCHEMA_FILE: _json_bytes(schema(catalogue, site_name, root)),
    }


def _published(catalogue: Catalogue) -> list[Case]:
    """The catalogue's cases (newest first, ties by title), drafts left out."""
    return [case for case in catalogue.cases if not case.draft]


def _record(case: Case, catalogue: Catalogue, published: set[str], root: str | None,
            directory_urls: bool) -> dict[str, Any]:
    path = addresses.site_url(addresses.case_page(case), directory_urls)
    record: dict[str, Any] = {
        "slug": case.slug,
        "url": root + path if root is not None else None,
        "path": path,
        "title": case.title,
        "provider": case.provider,
        "summary": case.summary,
        "published": case.published.isoformat(),
        "reviewed": case.reviewed.isoformat() if case.reviewed is not None else None,
    }
    for vocabulary in catalogue.taxonomy.vocabularies:
        labels = [term.label for term in case.terms_of(vocabulary.field)]
        record[vocabulary.field] = labels if vocabulary.multiple else (labels[0] if labels else None)
    record["quote"] = None if case.quote is None else {
        "text": case.quote.text, "by": case.quote.by or None, "role": case.quote.role or None}
    # As written, less any draft (a build that shows drafts may relate to one).
    record["related"] = [slug for slug in case.related if slug in published]
    return record


def _json_bytes(value: object) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_bytes(catalogue: Catalogue, records: list[dict[str, Any]]) -> bytes:
    vocabularies = [v.field for v in catalogue.taxonomy.vocabularies]
    header = ["slug", "url", "path", "title", "provider", "summary", "published", "reviewed", *vocabularies,
              "quote_text", "quote_by", "quote_role", "related"]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180's line ends
    writer.writerow(header)
    for record in records:
        quote = record["quote"] or {}
        row = [record[key] for key in header[: 8 + len(vocabularies)]]
        row += [quote.get("text"), quote.get("by"), quote.get("role"), record["related"]]
        writer.writerow([safe_cell(_cell(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(item) for item in value)
    return str(value)


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one that could start a formula gets a leading apostrophe.

    Excel, LibreOffice and Google Sheets hide the apostrophe and show the rest
    as written; a programme reading the CSV sees it, which is why cases.json,
    not the CSV, is the copy to compute with.
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# ---------------------------------------------------------------- the schema

_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$",
         "description": "A date as year-month-day (ISO 8601)."}


def schema(catalogue: Catalogue, site_name: str, root: str | None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) that ``cases.json`` follows, with this site's vocabularies."""
    vocabularies = {v.field: _vocabulary_schema(v) for v in catalogue.taxonomy.vocabularies}
    text = {"type": "string", "minLength": 1}
    case = {
        "type": "object",
        "description": "One published case study: every field of its front matter, and its address.",
        "required": ["slug", "url", "path", "title", "provider", "summary", "published", "reviewed",
                     *vocabularies, "quote", "related"],
        "additionalProperties": False,
        "properties": {
            "slug": {**text, "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$",
                     "description": "The case's name: its file name in cases/, without .md."},
            "url": {"type": ["string", "null"], "format": "uri",
                    "description": "The case page's full address; null when the site has no site_url."},
            "path": {**text, "description": "The case page's address below the site's root, e.g. cases/<slug>/."},
            "title": {**text, "description": "The case study's title."},
            "provider": {**text, "description": "The organisation that runs the practice."},
            "summary": {**text, "description": "One or two sentences, as on cards and in search results."},
            "published": {"$ref": "#/$defs/date", "description": "When the case study was published."},
            "reviewed": {"anyOf": [{"$ref": "#/$defs/date"}, {"type": "null"}],
                         "description": "When its content was last checked; null if never."},
            **vocabularies,
            "quote": {"anyOf": [{"$ref": "#/$defs/quote"}, {"type": "null"}],
                      "description": "The pull quote; null if the case has none."},
            "related": {"type": "array", "items": {"$ref": "#/$defs/slug"},
                        "description": "Slugs of the related case studies the author picked."},
        },
    }
    document: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DIALECT,
        **({"$id": root + SCHEMA_FILE} if root is not None else {}),
        "title": f"{site_name}: case studies",
        "description": "Every published case study of the site, newest first. Drafts are never included.",
        "type": "object",
        "required": ["site_name", "site_url", "schema", "cases"],
        "additionalProperties": False,
        "properties": {
            "site_name": {"type": "string", "description": "The site's name (mkdocs.yml's site_name)."},
            "site_url": {"type": ["string", "null"], "format": "uri",
                         "description": "The site's address (mkdocs.yml's site_url), or null if it has none."},
            "schema": {"const": SCHEMA_FILE, "description": "This schema's address, relative to cases.json."},
            "cases": {"type": "array", "items": {"$ref": "#/$defs/case"}},
        },
        "$defs": {
            "case": case,
            "date": _DATE,
            "slug": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
            "quote": {
                "type": "object",
                "required": ["text", "by", "role"],
                "additionalProperties": False,
                "properties": {
                    "text": {**text, "description": "The words quoted."},
                    "by": {"type": ["string", "null"], "description": "Who said it, if given."},
                    "role": {"type": ["string", "null"], "description": "Their role, if given."},
                },
            },
        },
    }
    return document


def _vocabulary_schema(vocabulary: Vocabulary) -> dict[str, Any]:
    """A vocabulary field: its terms' labels, as the taxonomy spells them."""
    labels: list[str | None] = [term.label for term in vocabulary.terms]
    described = f"{vocabulary.title}, from the site's taxonomy ({vocabulary.field} in cases/taxonomy.yml)."
    if vocabulary.multiple:
        return {"type": "array", "items": {"enum": labels}, "minItems": 1 if vocabulary.required else 0,
                "uniqueItems": True, "description": described + " A list, in the author's order."}
    return {"enum": labels if vocabulary.required else [*labels, None],
            "description": described + (" One term." if vocabulary.required else " One term, or null.")}
