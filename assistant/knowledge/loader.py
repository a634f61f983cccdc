"""Load and validate everything under ``knowledge/``; any problem names the file, the record and the field.

Loading is read-only and all-or-nothing: a malformed file raises before anything downstream (the index)
is touched, so the previous index keeps serving.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import KnowledgeError
from assistant.knowledge.schema import (
    Article,
    ArticleMeta,
    ClaimsFile,
    EventRecord,
    RecordCollection,
    RecordsFile,
    Reference,
)

M = TypeVar("M", bound=BaseModel)
REFERENCE_FILES = ("countries", "regions", "months", "topics", "kinds")


@dataclass(frozen=True)
class KnowledgeBase:
    articles: list[Article]
    record_files: list[RecordsFile]
    claims: list[ClaimsFile]
    reference: Reference
    root: Path
    files: dict[str, str] = field(default_factory=dict)  # path relative to root -> text (the snapshot)

    @property
    def records(self) -> list[EventRecord]:
        return [r for f in self.record_files for r in f.records]

    @property
    def collections(self) -> list[RecordCollection]:
        return [f.collection for f in self.record_files]

    def collection_of(self, record_id: str) -> RecordCollection:
        for f in self.record_files:
            if any(r.id == record_id for r in f.records):
                return f.collection
        raise KeyError(record_id)

    @cached_property
    def _articles_by_id(self) -> dict[str, Article]:
        return {a.meta.id: a for a in self.articles}

    def article(self, article_id: str) -> Article:
        """By id in constant time: answering looks articles up per candidate sentence, over thousands."""
        return self._articles_by_id[article_id]


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


# What the loader reads, relative to the knowledge folder (one level deep, as the folders are documented).
ARTICLE_GLOB = "articles/*.md"
LIST_GLOBS = {"records": "records/*.y*ml", "claims": "claims/*.y*ml"}
BOM = "\ufeff"


def _read(path: Path, root: Path) -> str:
    """One knowledge file's text; anything that is not a readable UTF-8 file is named, never a traceback."""
    where = _rel(path, root)
    if path.is_symlink() and not path.exists():
        raise KnowledgeError(where, f"broken link (points to {path.readlink()}, which does not exist)")
    if path.is_dir():
        raise KnowledgeError(where, "is a folder, not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise KnowledgeError(where, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise KnowledgeError(where, f"cannot be read ({exc.strerror or exc})") from exc
    return text.removeprefix(BOM)  # editors on Windows write one; it is not part of the text


def read_knowledge_files(root: Path) -> dict[str, str]:
    """Every file the loader uses, keyed by its path relative to ``root`` (what a snapshot stores)."""
    root = Path(root)
    if not root.is_dir():
        raise KnowledgeError(str(root), "knowledge folder not found")
    paths = sorted(root.glob(ARTICLE_GLOB))
    for pattern in LIST_GLOBS.values():
        paths += sorted(root.glob(pattern))
    files = {path.relative_to(root).as_posix(): _read(path, root) for path in paths}
    for name in REFERENCE_FILES:
        path = root / "reference" / f"{name}.yaml"
        if not path.exists() and not path.is_symlink():
            raise KnowledgeError(_rel(path, root), "reference file is missing")
        files[f"reference/{name}.yaml"] = _read(path, root)
    return files


# libyaml's safe loader (same documents, ~8× faster: the knowledge files take ~1 s with the pure-Python
# one, which every cold `assistant ask` pays); the pure-Python loader where PyYAML was built without it
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    return yaml.load(text, Loader=SafeLoader)


def _yaml(text: str, where: str) -> Any:
    try:
        return safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" (line {mark.line + 1})" if mark else ""
        raise KnowledgeError(where, f"invalid YAML{line}: {getattr(exc, 'problem', exc)}") from exc


def _validation_error(where: str, exc: ValidationError, data: Any, list_key: str | None) -> KnowledgeError:
    """Turn pydantic's first error into file / record / field, using the record's own id when it has one."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    record = None
    if list_key and len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
        index = loc[1]
        items = data.get(list_key) if isinstance(data, dict) else None
        rid = items[index].get("id") if isinstance(items, list) and isinstance(items[index], dict) else None
        record = f"#{index + 1}" + (f" ({rid})" if rid else "")
        loc = loc[2:]
    field_name = ".".join(str(p) for p in loc) or None
    return KnowledgeError(where, err["msg"], record=record, field=field_name)


def _model(cls: type[M], data: Any, where: str, list_key: str | None = None) -> M:
    if not isinstance(data, dict):
        raise KnowledgeError(where, "expected a mapping at the top level")
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise _validation_error(where, exc, data, list_key) from exc


def parse_front_matter(text: str, where: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        raise KnowledgeError(where, "missing front matter (the file must start with a --- block)")
    parts = text.split("\n---", 1)
    if len(parts) != 2:
        raise KnowledgeError(where, "front matter is not closed by a --- line")
    head = parts[0][3:]
    body = parts[1].split("\n", 1)[1] if "\n" in parts[1] else ""
    meta = _yaml(head, where)
    if not isinstance(meta, dict):
        raise KnowledgeError(where, "front matter must be a mapping")
    return meta, body.strip("\n")


def _matching(files: dict[str, str], pattern: str) -> list[str]:
    return sorted(key for key in files if PurePosixPath(key).match(pattern) and key.count("/") == 1)


def _load_articles(root: Path, files: dict[str, str]) -> list[Article]:
    articles = []
    for key in _matching(files, ARTICLE_GLOB):
        where = _rel(root / key, root)
        meta, body = parse_front_matter(files[key], where)
        if not body.strip():
            raise KnowledgeError(where, "the article body is empty", field="body")
        article = Article(meta=_model(ArticleMeta, meta, where), body=body, path=where)
        stem = PurePosixPath(key).stem
        if article.meta.id != stem:  # claims and collections find an article by id, readers by file name
            problem = f"the article id {article.meta.id!r} differs from the file name {stem!r}"
            raise KnowledgeError(where, problem, field="id")
        articles.append(article)
    return articles


def _load_list_files(root: Path, folder: str, cls: type[M], list_key: str, files: dict[str, str]) -> list[M]:
    out = []
    for key in _matching(files, LIST_GLOBS[folder]):
        where = _rel(root / key, root)
        data = _yaml(files[key], where)
        out.append(_model(cls, data, where, list_key).model_copy(update={"path": where}))
    return out


def _load_reference(root: Path, files: dict[str, str]) -> Reference:
    parts: dict[str, Any] = {}
    for name in REFERENCE_FILES:
        key = f"reference/{name}.yaml"
        where = _rel(root / key, root)
        if key not in files:
            raise KnowledgeError(where, "reference file is missing")
        data = _yaml(files[key], where)
        if not isinstance(data, dict) or not isinstance(data.get(name), list):
            raise KnowledgeError(where, f"expected a top-level key `{name}:` holding a list", field=name)
        parts[name] = data[name]
        alone = {k: data[name] if k == name else [] for k in REFERENCE_FILES}
        if name == "months" and data.get("periods") is not None:  # parts of the year, beside the months
            parts["periods"] = alone["periods"] = data["periods"]
        try:  # validate each file alone so the error names the right file
            Reference.model_validate(alone)
        except ValidationError as exc:
            raise _validation_error(where, exc, data, name) from exc
    return Reference.model_validate(parts)


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def _cross_check(kb: KnowledgeBase) -> None:
    """References between files must resolve: countries, topics, region members, claim quotes, ids."""
    ref = kb.reference
    countries = {c.iso: c for c in ref.countries}
    topics = {t.id for t in ref.topics}
    for dup in _duplicates(c.iso for c in ref.countries):
        raise KnowledgeError("knowledge/reference/countries.yaml", f"duplicate country {dup}", field="iso")
    for region in ref.regions:
        for iso in region.members:
            if iso not in countries:
                raise KnowledgeError(
                    "knowledge/reference/regions.yaml",
                    f"unknown country {iso}",
                    record=region.id,
                    field="members",
                )
    first_file: dict[str, str] = {}
    for f in kb.record_files:
        for i, r in enumerate(f.records):
            if r.id in first_file:
                also = "" if first_file[r.id] == f.path else f" (also in {first_file[r.id]})"
                problem = f"record id {r.id} is used twice{also}"
                raise KnowledgeError(f.path, problem, record=f"#{i + 1} ({r.id})", field="id")
            first_file[r.id] = f.path
    article_ids = {a.meta.id for a in kb.articles}
    for f in kb.record_files:
        if f.collection.home_country not in countries:
            raise KnowledgeError(f.path, "unknown country", record="collection", field="home_country")
        for i, r in enumerate(f.records):
            rec = f"#{i + 1} ({r.id})"
            known = countries.get(r.country.iso)
            if known is None:
                raise KnowledgeError(f.path, f"unknown country {r.country.iso}", record=rec, field="country.iso")
            for t in r.topics:
                if t not in topics:
                    raise KnowledgeError(f.path, f"unknown topic {t!r}", record=rec, field="topics")
            for j, c in enumerate(r.counterparts):
                if c.country and c.country not in countries:
                    raise KnowledgeError(f.path, "unknown country", record=rec, field=f"counterparts.{j}.country")
    for cf in kb.claims:
        if cf.article not in article_ids:
            raise KnowledgeError(cf.path, f"unknown article {cf.article!r}", field="article")
        body = kb.article(cf.article).body
        for i, claim in enumerate(cf.claims):
            if claim.quote not in body:
                raise KnowledgeError(
                    cf.path,
                    "quote does not occur verbatim in the article",
                    record=f"#{i + 1} ({claim.id})",
                    field="quote",
                )
            for iso in claim.countries:
                if iso not in countries:
                    raise KnowledgeError(cf.path, f"unknown country {iso}", record=claim.id, field="countries")


def load_knowledge(root: Path) -> KnowledgeBase:
    """Read and validate the whole knowledge folder (articles, records, claims, reference data)."""
    return load_knowledge_from_files(read_knowledge_files(root), root)


def load_knowledge_from_files(files: dict[str, str], root: Path) -> KnowledgeBase:
    """Validate knowledge given as files (relative path → text): a folder's, or an index generation's
    snapshot. ``root`` only names the files in errors and in ``path`` fields."""
    root = Path(root)
    kb = KnowledgeBase(
        articles=_load_articles(root, files),
        record_files=_load_list_files(root, "records", RecordsFile, "records", files),
        claims=_load_list_files(root, "claims", ClaimsFile, "claims", files),
        reference=_load_reference(root, files),
        root=root,
        files=dict(files),
    )
    if not kb.articles and not kb.records:
        raise KnowledgeError(str(root), "no articles and no records found")
    _cross_check(kb)
    return kb
