"""The catalogue as open data: /cases.json, /cases.csv and /cases.schema.json, read back and
checked against the case files field by field; never a draft; the JSON valid against the
published schema; no CSV cell a spreadsheet would run as a formula.

The site is the example with a `site_url`, one case made a draft, and one case whose fields
start with the characters of a spreadsheet formula.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from generator.open_data import safe_cell
from tests.builds import copy_example

from .conftest import DraftBuilds
from .sites import Built, CaseInfo, VocabularyInfo, build_ok, mark_draft, read_cases, read_taxonomy, split_front_matter

SITE_URL = "https://good-practice.example.org/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
INJECTED: dict[str, Any] = {  # front-matter values as a mischievous author might write them
    "provider": '=HYPERLINK("https://evil.example/","Click for details")',
    "summary": "+44 20 7946 0000 is the number to call. The rest of the summary is ordinary text.",
    "quote": {"text": "@SUM(1+1) is what we wrote on the board.", "by": "-A learner", "role": "Learner"},
}
SEPARATOR = "; "


@dataclass(frozen=True)
class DataSite:
    built: Built
    draft: CaseInfo
    injected: str  # the slug of the case with INJECTED fields
    cases: list[CaseInfo]
    taxonomy: list[VocabularyInfo]
    multiple: set[str]  # the vocabularies that take a list of terms

    def json(self) -> dict[str, Any]:
        return json.loads((self.built.site / "cases.json").read_text(encoding="utf-8"))

    def csv_bytes(self) -> bytes:
        return (self.built.site / "cases.csv").read_bytes()

    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.csv_bytes().decode("utf-8-sig"), newline="")))


def set_site_url(project: Path, site_url: str) -> None:
    config_file = project / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["site_url"] = site_url
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def rewrite_front_matter(case_file: Path, changes: dict[str, Any]) -> None:
    meta, body = split_front_matter(case_file.read_text(encoding="utf-8"))
    meta.update(changes)
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    case_file.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")


@pytest.fixture(scope="module")
def data_site(tmp_path_factory: pytest.TempPathFactory) -> DataSite:
    root = tmp_path_factory.mktemp("open-data")
    project = copy_example(root / "project")
    set_site_url(project, SITE_URL)
    cases = read_cases(project)
    referenced = {slug for case in cases for slug in case.related}
    draft, injected = [case for case in cases if case.slug not in referenced][:2]
    mark_draft(project / "cases" / f"{draft.slug}.md")
    rewrite_front_matter(project / "cases" / f"{injected.slug}.md", INJECTED)
    built = build_ok(project, root / "site")
    specs = yaml.safe_load((project / "cases" / "taxonomy.yml").read_text(encoding="utf-8"))
    multiple = {field for field, spec in specs.items() if spec.get("multiple")}
    return DataSite(built, draft, injected.slug, read_cases(project), read_taxonomy(project), multiple)


def expected_record(case: CaseInfo, data_site: DataSite) -> dict[str, Any]:
    """A case as cases.json should give it, from the case file (read separately from the generator)."""
    record: dict[str, Any] = {
        "slug": case.slug, "url": SITE_URL + case.url, "path": case.url, "title": case.title,
        "provider": case.provider, "summary": case.summary, "published": case.published.isoformat(),
        "reviewed": case.reviewed.isoformat() if case.reviewed else None,
    }
    for vocabulary in data_site.taxonomy:
        labels = [term.label for term in case.terms_of(vocabulary.field)]
        record[vocabulary.field] = labels if vocabulary.field in data_site.multiple else (labels[0] if labels else None)
    quote = case.quote
    record["quote"] = None if not quote else {"text": str(quote["text"]).strip(),
                                              "by": quote.get("by") or None, "role": quote.get("role") or None}
    record["related"] = case.related
    return record


def front_matter_keys(project: Path) -> set[str]:
    """Every key any published case file's front matter uses."""
    keys: set[str] = set()
    for path in (project / "cases").glob("*.md"):
        meta, _ = split_front_matter(path.read_text(encoding="utf-8"))
        if not meta.get("draft"):
            keys |= set(meta)
    return keys


# ---------------------------------------------------------------- cases.json

def test_cases_json_has_every_published_case_field_by_field(data_site: DataSite) -> None:
    document = data_site.json()
    assert document["site_url"] == SITE_URL
    records = document["cases"]
    assert [r["slug"] for r in records] == [c.slug for c in data_site.cases], "the cases, newest first"
    for record, case in zip(records, data_site.cases, strict=True):
        assert record == expected_record(case, data_site), case.slug
    # Every front-matter field authors use is in the data, with the page's address.
    keys = set(records[0])
    assert front_matter_keys(data_site.built.project) - {"draft"} <= keys
    assert {"url", "path"} <= keys
    assert all(record["url"].startswith(SITE_URL) and (data_site.built.site / record["path"]).is_dir()
               for record in records)


def test_drafts_are_not_in_the_open_data(data_site: DataSite, drafts: DraftBuilds) -> None:
    """Left out of a plain build, and of one with `drafts: show`, whose pages do show the draft."""
    assert drafts.draft.url and (drafts.shown.site / drafts.draft.url / "index.html").is_file()
    for site, draft in ((data_site.built.site, data_site.draft), (drafts.hidden.site, drafts.draft),
                        (drafts.shown.site, drafts.draft)):
        slugs = [record["slug"] for record in json.loads((site / "cases.json").read_text(encoding="utf-8"))["cases"]]
        assert draft.slug not in slugs and slugs
        for name in ("cases.json", "cases.csv"):
            text = (site / name).read_text(encoding="utf-8-sig")
            assert draft.slug not in text and draft.title not in text, f"the draft is in {site.name}/{name}"


# ---------------------------------------------------------------- cases.csv

def _cell(value: Any) -> str:
    if value is None:
        return ""
    return SEPARATOR.join(value) if isinstance(value, list) else str(value)


def test_cases_csv_matches_the_case_files(data_site: DataSite) -> None:
    raw = data_site.csv_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark, so that Excel reads it as UTF-8"
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n"), "RFC 4180's line ends"
    rows = data_site.rows()
    vocabularies = [v.field for v in data_site.taxonomy]
    assert list(rows[0]) == ["slug", "url", "path", "title", "provider", "summary", "published", "reviewed",
                             *vocabularies, "quote_text", "quote_by", "quote_role", "related"]
    assert [row["slug"] for row in rows] == [c.slug for c in data_site.cases]
    for row, case in zip(rows, data_site.cases, strict=True):
        record = expected_record(case, data_site)
        quote = record.pop("quote") or {}
        wanted = {key: _cell(value) for key, value in record.items()}
        wanted |= {"quote_text": _cell(quote.get("text")), "quote_by": _cell(quote.get("by")),
                   "quote_role": _cell(quote.get("role"))}
        shown = {key: value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value
                 for key, value in row.items()}
        assert shown == wanted, case.slug


def test_no_csv_cell_can_start_a_formula(data_site: DataSite) -> None:
    rows = data_site.rows()
    risky = [(row["slug"], key, value) for row in rows for key, value in row.items()
             if value.startswith(FORMULA_STARTS)]
    assert risky == []
    row = next(row for row in rows if row["slug"] == data_site.injected)
    assert row["provider"] == "'" + INJECTED["provider"]
    assert row["summary"] == "'" + INJECTED["summary"]
    assert row["quote_text"] == "'" + INJECTED["quote"]["text"]
    assert row["quote_by"] == "'" + INJECTED["quote"]["by"]
    # The JSON is the faithful copy: as written, not escaped.
    record = next(r for r in data_site.json()["cases"] if r["slug"] == data_site.injected)
    assert record["provider"] == INJECTED["provider"] and record["quote"]["by"] == INJECTED["quote"]["by"]


def test_safe_cell_escapes_only_what_could_start_a_formula() -> None:
    for start in FORMULA_STARTS:
        assert safe_cell(start + "1+1") == "'" + start + "1+1"
    for text in ("", "Peer support", "2024-06-30", "'quoted", " =not a formula", "A=B"):
        assert safe_cell(text) == text


# ---------------------------------------------------------------- the schema
# jsonschema is not installed in the project's environment, so a small validator for the
# keywords the schema uses; test_schema_uses_only_keywords_the_check_knows keeps it honest.

KNOWN_KEYWORDS = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "properties", "required",
                  "additionalProperties", "items", "enum", "const", "anyOf", "pattern", "format", "minLength",
                  "minItems", "uniqueItems"}
_TYPES: dict[str, type] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str = "$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(value, root["$defs"][name], root, where)
    errors: list[str] = []
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(isinstance(value, _TYPES[t]) for t in types):
            return [f"{where}: {value!r} is not {types}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if "anyOf" in schema and all(schema_errors(value, option, root, where) for option in schema["anyOf"]):
        errors.append(f"{where}: {value!r} matches none of anyOf")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{where}: too short")
        if schema.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                errors.append(f"{where}: {value!r} is not a date")
        if schema.get("format") == "uri" and not (urlsplit(value).scheme and urlsplit(value).netloc):
            errors.append(f"{where}: {value!r} is not an absolute URI")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            errors.append(f"{where}: items repeat")
        for index, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), root, f"{where}[{index}]")
    if isinstance(value, dict):
        errors += [f"{where}: no {key!r}" for key in schema.get("required", []) if key not in value]
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            errors += [f"{where}: {key!r} is not in the schema" for key in value if key not in properties]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], root, f"{where}.{key}")
    return errors


def _subschemas(schema: dict[str, Any]) -> list[dict[str, Any]]:
    found = [schema]
    for key in ("properties", "$defs"):
        for sub in schema.get(key, {}).values():
            found += _subschemas(sub)
    for sub in [schema["items"]] if "items" in schema else []:
        found += _subschemas(sub)
    for sub in schema.get("anyOf", []):
        found += _subschemas(sub)
    return found


def published_schema(data_site: DataSite) -> dict[str, Any]:
    path = data_site.built.site / "cases.schema.json"
    assert path.is_file(), "the schema is not published at /cases.schema.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return schema


def test_schema_uses_only_keywords_the_check_knows(data_site: DataSite) -> None:
    schema = published_schema(data_site)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SITE_URL + "cases.schema.json"
    unknown = {key for sub in _subschemas(schema) for key in sub} - KNOWN_KEYWORDS
    assert unknown == set()


def test_cases_json_is_valid_against_the_published_schema(data_site: DataSite) -> None:
    schema = published_schema(data_site)
    document = data_site.json()
    assert document["schema"] == "cases.schema.json"
    assert schema_errors(document, schema, schema) == []
    case_schema = schema["$defs"]["case"]
    assert all(case_schema["properties"][key].get("description") for key in case_schema["properties"]), \
        "every field is described"
    # The schema is this site's: each vocabulary's terms, from its taxonomy.
    for vocabulary in data_site.taxonomy:
        field = case_schema["properties"][vocabulary.field]
        labels = field["items"]["enum"] if "items" in field else [v for v in field["enum"] if v is not None]
        assert labels == [term.label for term in vocabulary.terms]
    # And the check bites: each of these breaks the schema.
    first = document["cases"][0]
    for broken in ({**first, "draft": True}, {k: v for k, v in first.items() if k != "title"},
                   {**first, "published": "30/06/2024"}, {**first, "themes": ["Not a theme"]}):
        assert schema_errors({**document, "cases": [broken]}, schema, schema), broken
