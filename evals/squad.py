"""SQuAD-format import (ARCD, XQuAD, TyDiQA-GoldP): a knowledge base built from the contexts, an eval item
per question, and the SQuAD/MLQA answer metrics.

Why: the shipped dataset measures one hand-tuned article; a few hundred crowd-written questions about
articles the assistant has never seen measure whether it generalises, and articles left out of the base
measure whether it refuses instead of answering with another entity's sentence.

Everything here is deterministic: the dev/test split is a hash of the title, the left-out articles a hash
of seed and title, and the article files are byte-identical between runs with the same options — so a
persistent data folder re-embeds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import urllib.parse
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.text import tokenize
from evals.matching import mentions
from evals.metrics import SQUAD_METRIC_NAMES, recall_at_k
from evals.schema import EvalItem

Split = Literal["dev", "test", "all"]
SPLITS: tuple[str, ...] = ("dev", "test", "all")
DEV_SHARE = 0.6  # titles whose hash falls below this are dev (fit thresholds on them); the rest are test
DEFAULT_LEAVE_OUT = 0.25
DEFAULT_SEED = 0
PUBLISHED = dt.date(2019, 1, 1)  # SQuAD files carry no dates; a constant keeps the article files stable
TAG_IN_BASE = "slice:squad-in-base"
TAG_LEFT_OUT = "slice:squad-left-out"


class SquadError(ValueError):
    """A SQuAD file that cannot be used; ``str()`` names the file and the problem (Arabic and English)."""

    def __init__(self, path: Path | str, problem: str, problem_ar: str = "ملف SQuAD غير صالح") -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem_ar} — {problem}")


# --- reading ------------------------------------------------------------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="allow")
    text: str
    answer_start: int = Field(ge=0)


class _QA(BaseModel):
    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)
    id: str
    question: str
    answers: list[_Answer] = Field(default_factory=list)


class _Paragraph(BaseModel):
    model_config = ConfigDict(extra="allow")
    context: str
    qas: list[_QA] = Field(default_factory=list)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str = Field(min_length=1)
    paragraphs: list[_Paragraph]


class _File(BaseModel):
    model_config = ConfigDict(extra="allow")
    data: list[_Entry] = Field(min_length=1)


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    question: str  # cleaned
    answers: tuple[str, ...]  # gold texts, deduplicated, in file order
    spans: tuple[tuple[int, int], ...]  # (start, end) of each gold in the cleaned paragraph; (-1, -1): not found


@dataclass(frozen=True)
class SquadParagraph:
    context: str  # cleaned: one line (newlines → spaces, same length), stripped
    questions: tuple[SquadQuestion, ...]


@dataclass(frozen=True)
class SquadArticle:
    title: str
    index: int  # position of the title's first appearance in the file: a stable id
    paragraphs: tuple[SquadParagraph, ...]

    @property
    def questions(self) -> list[SquadQuestion]:
        return [q for p in self.paragraphs for q in p.questions]


_LEADING_DASH = re.compile(r"^[\s\-–—•*]+")
_STRAY_AL = re.compile(r"\s+ال\s*$")


def clean_question(text: str) -> str:
    """Strip ARCD's crowd-sourcing artefacts: a leading « - » and a stray trailing « ال»."""
    text = " ".join(text.split())
    text = _LEADING_DASH.sub("", text)
    text = _STRAY_AL.sub("", text)
    return text.strip()


def _clean_context(context: str) -> tuple[str, int]:
    """One Markdown paragraph per context (so it stays a chunk boundary) and the shift of its offsets.

    Newlines become spaces (same length, so answer offsets survive); leading whitespace is cut and its
    length returned so ``answer_start`` can be moved by it.
    """
    one_line = context.replace("\r", " ").replace("\n", " ")
    stripped = one_line.lstrip()
    return stripped.rstrip(), len(one_line) - len(stripped)


def _align(context: str, text: str, start: int) -> tuple[int, int]:
    """The gold's real (start, end): ``answer_start`` when it is right, else the nearest occurrence, else
    the nearest occurrence up to whitespace (ARCD has a few off-by-some starts and doubled spaces), else
    (-1, -1)."""
    if context[start : start + len(text)] == text:
        return start, start + len(text)
    for pattern in (re.escape(text), r"\s+".join(re.escape(w) for w in text.split())):
        found = [(m.start(), m.end()) for m in re.finditer(pattern, context)]
        if found:
            return min(found, key=lambda span: abs(span[0] - start))
    return -1, -1


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"]).lstrip(".") or "top level"
    return f"{loc}: {err['msg']}"


def read_squad(path: Path | str) -> list[SquadArticle]:
    """Read a SQuAD 1.1-format file into articles, one per distinct title in file order.

    Entries sharing a title (TyDiQA-GoldP has one entry per paragraph) are merged; a repeated context
    within a title is kept once with its questions merged. Questions without any answer are dropped.
    """
    path = Path(path)
    try:
        raw = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as exc:
        raise SquadError(path, f"cannot read: {exc.strerror or exc}", "تعذرت قراءة الملف") from exc
    except UnicodeDecodeError as exc:
        raise SquadError(path, "not UTF-8", "الملف ليس بترميز UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise SquadError(path, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from exc
    if not isinstance(raw, dict):
        raise SquadError(path, 'expected an object {"data": [...]} at the top level')
    try:
        parsed = _File.model_validate(raw)
    except ValidationError as exc:
        raise SquadError(path, _describe(exc)) from exc

    order: list[str] = []
    contexts: dict[str, dict[str, list[SquadQuestion]]] = {}
    seen_ids: Counter[str] = Counter()
    for entry in parsed.data:
        title = " ".join(entry.title.replace("_", " ").split())
        if title not in contexts:
            order.append(title)
            contexts[title] = {}
        for para in entry.paragraphs:
            context, shift = _clean_context(para.context)
            if not context:
                continue
            questions = contexts[title].setdefault(context, [])
            for qa in para.qas:
                golds: dict[str, tuple[int, int]] = {}
                for ans in qa.answers:
                    text = ans.text.strip()
                    if not text or text in golds:
                        continue
                    lead = len(ans.text) - len(ans.text.lstrip())
                    golds[text] = _align(context, text, ans.answer_start - shift + lead)
                question = clean_question(qa.question)
                if not golds or not question:
                    continue
                seen_ids[qa.id] += 1
                qid = qa.id if seen_ids[qa.id] == 1 else f"{qa.id}-{seen_ids[qa.id]}"
                questions.append(SquadQuestion(qid, question, tuple(golds), tuple(golds.values())))
    articles = [
        SquadArticle(
            title,
            index,
            tuple(SquadParagraph(c, tuple(qs)) for c, qs in contexts[title].items()),
        )
        for index, title in enumerate(order, 1)
    ]
    articles = [a for a in articles if a.paragraphs]
    if not articles:
        raise SquadError(path, "no article with a non-empty context", "لا يوجد أي مقال بنص غير فارغ")
    return articles


def read_questions(path: Path | str) -> dict[str, str]:
    """A question overlay: JSON lines ``{"id": …, "question": …}`` that replace a SQuAD file's questions by id
    (the same questions in another language, say: English questions about Arabic contexts). Why a file beside
    the SQuAD file and not a copy of it: the contexts, answers and ids stay the source's own."""
    path = Path(path)
    out: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise SquadError(path, f"cannot read: {exc.strerror or exc}", "تعذرت قراءة الملف") from exc
    except UnicodeDecodeError as exc:
        raise SquadError(path, "not UTF-8", "الملف ليس بترميز UTF-8") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            qid, question = row["id"], " ".join(str(row["question"]).split())
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise SquadError(
                path, f'line {n}: expected {{"id": …, "question": …}} ({exc})', "ملف أسئلة غير صالح"
            ) from exc
        if not isinstance(qid, str) or not question:
            raise SquadError(path, f"line {n}: id must be a string and question non-empty", "سطر غير صالح")
        out[qid] = question
    if not out:
        raise SquadError(path, "no questions", "ملف أسئلة غير صالح: لا توجد أسئلة")
    return out


# --- splitting ----------------------------------------------------------------------------------------


def _unit_hash(*parts: str) -> float:
    """A stable number in [0, 1) (sha256, not Python's salted ``hash``)."""
    digest = hashlib.sha256("\u0000".join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_of(title: str) -> Literal["dev", "test"]:
    """dev (≈60%) or test (≈40%), from the title alone: the same article is in the same split in every run,
    whatever the seed, so thresholds fitted on dev are never scored on their own articles."""
    return "dev" if _unit_hash("split", title) < DEV_SHARE else "test"


def choose_articles(
    articles: Sequence[SquadArticle],
    split: Split = "all",
    limit: int | None = None,
    leave_out: float = DEFAULT_LEAVE_OUT,
    seed: int = DEFAULT_SEED,
) -> tuple[list[SquadArticle], list[SquadArticle]]:
    """(in the base, left out): the split's articles in file order, the first ``limit`` of them, then
    ``leave_out`` of those (at least one when the fraction is positive and two or more were chosen, never
    all) picked by a hash of seed and title."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if not 0.0 <= leave_out < 1.0:
        raise ValueError(f"leave-out fraction must be in [0, 1), got {leave_out}")
    if limit is not None and limit < 1:
        raise ValueError(f"the number of articles must be at least 1, got {limit}")
    chosen = [a for a in articles if split == "all" or split_of(a.title) == split]
    if limit is not None:
        chosen = chosen[:limit]
    n_out = round(leave_out * len(chosen))
    if leave_out > 0 and len(chosen) >= 2:
        n_out = min(max(n_out, 1), len(chosen) - 1)
    ranked = sorted(chosen, key=lambda a: _unit_hash("leave-out", str(seed), a.title))
    out_titles = {a.title for a in ranked[:n_out]}
    return [a for a in chosen if a.title not in out_titles], [a for a in chosen if a.title in out_titles]


# --- the knowledge base -------------------------------------------------------------------------------


def _prefix(path: Path) -> str:
    """Article id prefix from the file name: «arcd-train.json» → «arcd», «xquad.ar.json» → «xquad»."""
    stem = re.split(r"[-_.\s]", path.name.lower(), maxsplit=1)[0]
    stem = re.sub(r"[^a-z0-9]", "", stem)
    return stem if len(stem) >= 2 else "squad"


def article_id(prefix: str, article: SquadArticle) -> str:
    return f"{prefix}-{article.index:03d}"


def article_markdown(aid: str, article: SquadArticle, publisher: str, language: str = "ar") -> tuple[str, list[int]]:
    """The Markdown file (front matter + paragraphs separated by blank lines) and each paragraph's offset
    in the body the loader reads (the text after the front matter, stripped of surrounding newlines)."""
    meta = {
        "id": aid,
        "title": article.title,
        "publisher": publisher,
        "url": f"https://{language}.wikipedia.org/wiki/" + urllib.parse.quote(article.title.replace(" ", "_")),
        "published": PUBLISHED,
        "language": language,
    }
    head = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    offsets, pos = [], 0
    for para in article.paragraphs:
        offsets.append(pos)
        pos += len(para.context) + 2
    body = "\n\n".join(p.context for p in article.paragraphs)
    return f"---\n{head}---\n\n{body}\n", offsets


@dataclass(frozen=True)
class GoldSpan:
    """Where a question's first locatable gold answer sits in its article's body (for chunk-level recall)."""

    article_id: str
    start: int  # offsets into the body; -1: no gold text found in the paragraph
    end: int
    paragraph: str
    paragraph_offset: int


@dataclass
class SquadKB:
    """A built knowledge folder plus its eval items (in-base: answerable; left-out: expected refusals)."""

    source: Path
    knowledge_dir: Path
    split: str
    seed: int
    leave_out: float
    in_base: list[EvalItem]
    left_out: list[EvalItem]
    articles_in_base: list[str]
    articles_left_out: list[str]
    spans: dict[str, GoldSpan] = field(default_factory=dict)  # item id → gold span (in-base items)

    @property
    def items(self) -> list[EvalItem]:
        return [*self.in_base, *self.left_out]

    def resolve_gold_chunks(self, chunks: Sequence[Mapping[str, Any]]) -> int:
        """Point each in-base item's ``sources`` at the indexed chunk holding its gold span.

        ``chunks`` are article chunks' metadata plus text (``source_id``, ``article_id``, ``start``, ``end``,
        ``text``), as read from the vector store: the chunking is the core's, so it is read, not
        re-implemented. By offsets first; if a chunk lacks offsets, the chunk whose text holds the gold
        inside its paragraph; otherwise the item keeps the whole article as its source. Returns how many
        items got a chunk.
        """
        by_article: dict[str, list[Mapping[str, Any]]] = {}
        for c in chunks:
            by_article.setdefault(str(c.get("article_id", "")), []).append(c)
        resolved = 0
        for item in self.in_base:
            span = self.spans.get(item.id)
            if span is None or span.start < 0:
                continue
            hit = _chunk_at(by_article.get(span.article_id, []), span)
            if hit:
                item.expect.sources = [hit]
                resolved += 1
        return resolved

    def write_dataset(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = [json.dumps(i.model_dump(exclude_defaults=True), ensure_ascii=False) for i in self.items]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def describe(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "knowledge_dir": str(self.knowledge_dir),
            "split": self.split,
            "seed": self.seed,
            "leave_out": self.leave_out,
            "articles_in_base": self.articles_in_base,
            "articles_left_out": self.articles_left_out,
            "questions_in_base": len(self.in_base),
            "questions_left_out": len(self.left_out),
            "gold_chunks_resolved": sum(any("#" in s for s in i.expect.sources) for i in self.in_base),
        }


def _chunk_at(chunks: Sequence[Mapping[str, Any]], span: GoldSpan) -> str | None:
    for c in chunks:
        start, end = c.get("start"), c.get("end")
        if isinstance(start, int) and isinstance(end, int) and start <= span.start < end:
            return str(c["source_id"])
    gold = span.paragraph[span.start - span.paragraph_offset : span.end - span.paragraph_offset]
    for c in chunks:
        text = str(c.get("text", ""))
        if gold and gold in text and (text in span.paragraph or span.paragraph in text):
            return str(c["source_id"])
    return None


def build_squad_kb(
    path: Path | str,
    out_dir: Path | str,
    split: Split = "all",
    articles: int | None = None,
    leave_out: float = DEFAULT_LEAVE_OUT,
    seed: int = DEFAULT_SEED,
    *,
    reference_dir: Path | str | None = None,
    language: str = "ar",
    questions: Mapping[str, str] | None = None,
) -> SquadKB:
    """Build ``out_dir/knowledge`` (articles + a copy of the project's reference data) and the eval items.

    The articles folder is replaced on every call (no stale article from an earlier split stays behind);
    files are byte-identical for the same file and options. ``questions`` (``read_questions``) replaces each
    question's text by id; questions it lacks are left out.
    """
    path, out_dir = Path(path), Path(out_dir)
    all_articles = read_squad(path)
    try:
        kept, dropped = choose_articles(all_articles, split, articles, leave_out, seed)
    except ValueError as exc:
        raise SquadError(path, str(exc), "خيارات استيراد SQuAD غير صالحة") from exc
    prefix = _prefix(path)
    publisher = f"Wikipedia ({prefix.upper()})"
    knowledge = out_dir / "knowledge"
    articles_dir = knowledge / "articles"
    if articles_dir.exists():
        shutil.rmtree(articles_dir)
    articles_dir.mkdir(parents=True)
    from assistant.settings import REPO_ROOT  # the project's reference data: the loader requires it

    reference = Path(reference_dir) if reference_dir else REPO_ROOT / "knowledge" / "reference"
    if not (reference / "countries.yaml").exists():
        reference = REPO_ROOT / "knowledge" / "reference"
    if (knowledge / "reference").exists():
        shutil.rmtree(knowledge / "reference")
    shutil.copytree(reference, knowledge / "reference")

    kb = SquadKB(
        source=path,
        knowledge_dir=knowledge,
        split=split,
        seed=seed,
        leave_out=leave_out,
        in_base=[],
        left_out=[],
        articles_in_base=[],
        articles_left_out=[],
    )
    source_tag = f"squad:{prefix}"

    def asked(q: SquadQuestion) -> str | None:
        return q.question if questions is None else questions.get(q.id)

    for article in kept:
        aid = article_id(prefix, article)
        text, offsets = article_markdown(aid, article, publisher, language)
        (articles_dir / f"{aid}.md").write_text(text, encoding="utf-8")
        kb.articles_in_base.append(aid)
        for para, offset in zip(article.paragraphs, offsets, strict=True):
            for q in para.questions:
                if asked(q) is None:
                    continue
                item = EvalItem(
                    id=q.id,
                    question=asked(q),
                    expect={"all": [list(q.answers)], "sources": [aid], "gold": list(q.answers)},
                    tags=[TAG_IN_BASE, source_tag, f"split:{split_of(article.title)}"],
                )
                kb.in_base.append(item)
                start, end = next((span for span in q.spans if span[0] >= 0), (-1, -1))
                shifted = (offset + start, offset + end) if start >= 0 else (-1, -1)
                kb.spans[q.id] = GoldSpan(aid, *shifted, para.context, offset)
    for article in dropped:
        aid = article_id(prefix, article)
        kb.articles_left_out.append(aid)
        for q in article.questions:
            if asked(q) is None:
                continue
            kb.left_out.append(
                EvalItem(
                    id=q.id,
                    question=asked(q),
                    expect={"answerable": False, "gold": list(q.answers)},
                    tags=[TAG_LEFT_OUT, source_tag, f"split:{split_of(article.title)}"],
                )
            )
    return kb


# --- metrics ------------------------------------------------------------------------------------------


def answer_tokens(text: str) -> list[str]:
    """SQuAD/MLQA answer normalisation on the core's analysis: normalised tokens (diacritics, hamza/alef,
    ta marbuta, digits folded; punctuation dropped) with a word-initial article «ال» removed.

    MLQA's regex removes every «ال» substring, even inside words; only the article is removed here."""
    out = []
    for tok in tokenize(text):
        if tok.startswith("ال") and len(tok) > 2:
            tok = tok[2:]
        elif tok == "ال":
            continue
        out.append(tok)
    return out


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD token F1 in [0, 1] over :func:`answer_tokens`."""
    pred, ref = answer_tokens(prediction), answer_tokens(gold)
    if not pred or not ref:
        return float(pred == ref)
    common = sum((Counter(pred) & Counter(ref)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, gold: str) -> bool:
    return answer_tokens(prediction) == answer_tokens(gold)


def _get(answer: Mapping[str, Any] | Any, name: str, default: Any = None) -> Any:
    if isinstance(answer, Mapping):
        return answer.get(name, default)
    return getattr(answer, name, default)


def direct_text(answer: Mapping[str, Any] | Any) -> str:
    """The short answer, or the whole text when the system gives none (the baseline never does)."""
    return str(_get(answer, "direct") or _get(answer, "text", "") or "")


def item_squad_metrics(
    golds: Sequence[str], answerable_expected: bool, answer: Mapping[str, Any] | Any
) -> dict[str, float]:
    """Per-question values: in-base → gold_in_answer (0/1), direct_f1 and direct_em (×100, max over the
    golds); a refusal scores 0 on all three. Left-out → left_out_refused (0/1)."""
    refused = _get(answer, "answerable", True) is False
    if not answerable_expected:
        return {"left_out_refused": float(refused)}
    if refused:
        return {"gold_in_answer": 0.0, "direct_f1": 0.0, "direct_em": 0.0}
    text = str(_get(answer, "text", "") or "")
    direct = direct_text(answer)
    return {
        "gold_in_answer": float(any(mentions(text, g) for g in golds)),
        "direct_f1": 100.0 * max(token_f1(direct, g) for g in golds),
        "direct_em": 100.0 * max(float(exact_match(direct, g)) for g in golds),
    }


def squad_metrics(items: Sequence[EvalItem], answers: Sequence[Mapping[str, Any] | Any]) -> dict[str, Any]:
    """Aggregate SQuAD metrics for one system (same order in both sequences), for scripts that ask on their
    own (threshold fitting): gold_in_answer, direct_f1, direct_em, false_refusal_rate, left_out_refused,
    recall@5 (against each item's ``sources``). ``None`` where no item measures it."""
    from evals.scorer import _ranked_for as ranked_for

    if len(items) != len(answers):
        raise ValueError("one answer per item")
    values: dict[str, list[float]] = {k: [] for k in (*SQUAD_METRIC_NAMES, "false_refusal_rate", "recall@5")}
    for item, answer in zip(items, answers, strict=True):
        golds = item.expect.gold
        if not golds:
            continue
        for k, v in item_squad_metrics(golds, item.expect.answerable, answer).items():
            values[k].append(v)
        if item.expect.answerable:
            values["false_refusal_rate"].append(float(_get(answer, "answerable", True) is False))
            if item.expect.sources:
                retrieved = [str(r) for r in (_get(answer, "retrieved_ids", []) or [])]
                values["recall@5"].append(recall_at_k(ranked_for(retrieved, item.expect.sources), item.expect.sources))
    out: dict[str, Any] = {k: (sum(v) / len(v) if v else None) for k, v in values.items()}
    out["n_in_base"] = sum(1 for i in items if i.expect.gold and i.expect.answerable)
    out["n_left_out"] = sum(1 for i in items if i.expect.gold and not i.expect.answerable)
    return out


# --- a run ---------------------------------------------------------------------------------------------


def article_chunks(store: Any) -> list[dict[str, Any]]:
    """Every indexed article chunk's metadata and text, read from the (LangChain Chroma) vector store."""
    got = store.get(where={"kind": "article"}, include=["metadatas", "documents"])
    return [{**(m or {}), "text": d or ""} for m, d in zip(got["metadatas"], got["documents"], strict=False)]


@dataclass
class SquadRun:
    kb: SquadKB
    suite: Any  # evals.runner.SuiteResult
    dataset_path: Path
    settings: Any  # the Settings the assistant ran with (knowledge and data folders of the import)


def squad_settings(settings: Any, kb: SquadKB) -> Any:
    """The import's settings: its knowledge folder, an index in ``<data_dir>/squad`` and a collection
    ``<collection>-squad`` (for a Chroma server) — never the live index of the project's own knowledge."""
    return settings.overridden(
        knowledge_dir=kb.knowledge_dir,
        data_dir=Path(settings.data_dir) / "squad",
        collection=f"{settings.collection}-squad"[:60],
    )


def run_squad_eval(
    path: Path | str,
    out: Path | str,
    settings: Any,
    *,
    split: Split = "all",
    articles: int | None = None,
    leave_out: float = DEFAULT_LEAVE_OUT,
    seed: int = DEFAULT_SEED,
    gates: Sequence[Any] = (),
    baseline: bool = True,
    progress: bool = True,
    tags: Sequence[str] = (),
    limit: int | None = None,
    questions: Mapping[str, str] | None = None,
) -> SquadRun:
    """Build the knowledge base under ``out/squad``, ingest it (unchanged chunks keep their vectors), point
    each item at its gold chunk, run assistant and baseline, and return the suite (not yet written)."""
    from assistant import Assistant
    from evals.runner import run_suite
    from evals.schema import load_dataset

    out = Path(out)
    kb = build_squad_kb(
        path,
        out / "squad",
        split,
        articles,
        leave_out,
        seed,
        reference_dir=Path(settings.knowledge_dir) / "reference",
        questions=questions,
    )
    wanted = [i.id for i in kb.items if not tags or set(tags) & set(i.tags)][:limit]
    if not wanted:
        raise SquadError(path, "no questions left after --tag/--limit", "لا توجد أسئلة بعد التصفية")
    run_settings = squad_settings(settings, kb)
    bar = _progress_bar("embedding") if progress else None
    assistant = Assistant.load(run_settings, progress=bar)
    assistant.ingest(progress=bar)  # load ingests only a missing index; this one follows the chosen split
    kb.resolve_gold_chunks(article_chunks(assistant.vector_store()))
    dataset = load_dataset(kb.write_dataset(out / "squad" / f"{_prefix(kb.source)}-{split}.jsonl"))
    keep = set(wanted)
    dataset.items = [i for i in dataset.items if i.id in keep]
    suite = run_suite(assistant, [dataset], gates=gates, baseline=baseline, progress=progress)
    suite.metadata["squad"] = kb.describe()
    return SquadRun(kb, suite, dataset.path, run_settings)


def _progress_bar(desc: str) -> Any:
    try:  # the core CLI's embedding progress bar, when it has one
        from assistant.cli import _progress
    except ImportError:
        return None
    return _progress(desc)


def summary_line(metrics: Mapping[str, Any]) -> str:
    """One line for the terminal: the assistant's SQuAD numbers with the baseline's in brackets."""
    a = metrics["assistant"]["overall"]
    b = metrics.get("baseline", {}).get("overall")
    parts = []
    for name, label, fmt in (
        ("gold_in_answer", "gold in answer", ".3f"),
        ("direct_f1", "direct F1", ".1f"),
        ("direct_em", "EM", ".1f"),
        ("false_refusal_rate", "false refusal", ".3f"),
        ("left_out_refused", "left-out refused", ".3f"),
        ("recall@5", "recall@5", ".3f"),
    ):
        value = a.get(name)
        text = f"{label} {'—' if value is None else format(value, fmt)}"
        if b is not None and b.get(name) is not None:
            text += f" (baseline {format(b[name], fmt)})"
        parts.append(text)
    return " · ".join(parts) + f" over {a['n']} questions"
