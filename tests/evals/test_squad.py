"""SQuAD-format import: reader and cleaner, split, knowledge-base builder, metrics — and one real run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from assistant.knowledge.loader import load_knowledge
from assistant.settings import Settings
from evals.cli import EXIT_USAGE, register
from evals.gates import Gate
from evals.metrics import aggregate
from evals.schema import EvalItem
from evals.scorer import score
from evals.squad import (
    TAG_IN_BASE,
    TAG_LEFT_OUT,
    SquadError,
    answer_tokens,
    build_squad_kb,
    choose_articles,
    clean_question,
    exact_match,
    item_squad_metrics,
    read_questions,
    read_squad,
    split_of,
    squad_metrics,
    token_f1,
)

NILE_1 = (
    "نهر النيل هو أطول نهر في العالم، ويبلغ طوله حوالي 6650 كيلومترا. "
    "ينبع النيل من بحيرة فيكتوريا ويصب في البحر الأبيض المتوسط."
)
NILE_2 = "يمر النيل بإحدى عشرة دولة أفريقية منها مصر والسودان وأوغندا.\nويعتمد المصريون على مياهه في الزراعة."
KHALDUN = (
    "عبد الرحمن بن خلدون مؤرخ وعالم اجتماع عربي ولد في تونس سنة 1332. "
    "ويعد مؤسس علم الاجتماع الحديث. ومن أشهر كتبه كتاب المقدمة."
)
BURJ = (
    "برج خليفة ناطحة سحاب في مدينة دبي بالإمارات العربية المتحدة، ويبلغ ارتفاعه 828 مترا. "
    "افتتح البرج رسميا في 4 يناير 2010."
)


def _qa(qid: str, question: str, context: str, answer: str, start: int | None = None) -> dict[str, Any]:
    return {
        "id": qid,
        "question": question,
        "answers": [{"text": answer, "answer_start": context.index(answer) if start is None else start}],
    }


def squad_fixture() -> dict[str, Any]:
    """Three titles; ARCD's artefacts (« - », a stray « ال»), a newline in a context, a wrong answer_start,
    a title split over two entries (as TyDiQA-GoldP does) and a question without answers."""
    return {
        "version": "1.1",
        "data": [
            {
                "title": "نهر النيل",
                "paragraphs": [
                    {
                        "context": NILE_1,
                        "qas": [
                            _qa("nile-length", " - ما طول نهر النيل؟ ال", NILE_1, "6650 كيلومترا"),
                            _qa("nile-source", " - من أين ينبع نهر النيل؟ ", NILE_1, "بحيرة فيكتوريا", start=3),
                        ],
                    }
                ],
            },
            {
                "title": "ابن خلدون",
                "paragraphs": [
                    {
                        "context": KHALDUN,
                        "qas": [
                            _qa("khaldun-born", "أين ولد ابن خلدون؟", KHALDUN, "تونس"),
                            _qa("khaldun-book", "ما هو أشهر كتاب لابن خلدون؟", KHALDUN, "المقدمة"),
                            {"id": "no-answer", "question": "سؤال بلا جواب؟", "answers": []},
                        ],
                    }
                ],
            },
            {
                "title": "برج خليفة",
                "paragraphs": [
                    {
                        "context": BURJ,
                        "qas": [
                            _qa("burj-height", "كم يبلغ ارتفاع برج خليفة؟", BURJ, "828 مترا"),
                            _qa("burj-opened", "متى افتتح برج خليفة؟", BURJ, "4 يناير 2010"),
                        ],
                    }
                ],
            },
            {
                "title": "نهر النيل",
                "paragraphs": [
                    {
                        "context": NILE_2,
                        "qas": [_qa("nile-countries", "كم دولة يمر بها النيل؟", NILE_2, "إحدى عشرة دولة")],
                    }
                ],
            },
        ],
    }


@pytest.fixture()
def squad_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny-squad.json"
    path.write_text(json.dumps(squad_fixture(), ensure_ascii=False), encoding="utf-8")
    return path


# --- reader and cleaner ---------------------------------------------------------------------------------


def test_questions_lose_arcd_artefacts_but_keep_their_words() -> None:
    assert clean_question(" - ما طول نهر النيل؟ ال") == "ما طول نهر النيل؟"
    assert clean_question(" - متى ولد جمال خاشقجي وتوفي؟ ال ") == "متى ولد جمال خاشقجي وتوفي؟"
    assert clean_question("ما هي الدول العربية") == "ما هي الدول العربية", "only a standalone «ال» is stray"
    assert clean_question("- من هو   الخوارزمي؟") == "من هو الخوارزمي؟"


def test_reader_merges_titles_aligns_answers_and_drops_unanswered(squad_file: Path) -> None:
    articles = read_squad(squad_file)
    assert [a.title for a in articles] == ["نهر النيل", "ابن خلدون", "برج خليفة"]
    assert [a.index for a in articles] == [1, 2, 3]
    nile = articles[0]
    assert len(nile.paragraphs) == 2, "the second entry with the same title joins the first article"
    assert "\n" not in nile.paragraphs[1].context, "a paragraph stays one chunk boundary"
    source = next(q for q in nile.questions if q.id == "nile-source")
    start, end = source.spans[0]
    assert nile.paragraphs[0].context[start:end] == "بحيرة فيكتوريا", "a wrong answer_start is realigned"
    assert "no-answer" not in {q.id for a in articles for q in a.questions}


@pytest.mark.parametrize(
    ("read", "content", "where"),
    [
        (read_squad, "{not json", "invalid JSON"),
        (read_squad, '{"data": []}', "data"),
        (read_squad, '{"data": [{"paragraphs": []}]}', "data[0].title"),
        (read_squad, '{"data": [{"title": "x", "paragraphs": [{"context": "c", "qas": [{"id": 1}]}]}]}', "question"),
        (read_squad, "[1, 2]", "top level"),
        # a question overlay (--squad-questions): the file and the line
        (read_questions, '{"id": "a", "question": "ok"}\nnot json\n', "line 2"),
        (read_questions, '{"id": "a"}\n', "line 1"),
        (read_questions, '{"id": 5, "question": "x"}\n', "line 1"),
        (read_questions, "\n", "no questions"),
    ],
)
def test_a_malformed_file_names_the_file_and_the_problem(tmp_path: Path, read: Any, content: str, where: str) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SquadError) as info:
        read(path)
    message = str(info.value)
    assert str(path) in message and where in message and "غير صالح" in message


def test_a_malformed_file_is_a_usage_error_on_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"data": [{"title": ""}]}', encoding="utf-8")
    parser = argparse.ArgumentParser(prog="assistant")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["eval", "--squad", str(path), "--out", str(tmp_path / "out")])
    assert args.func(args, Settings(data_dir=tmp_path / "data")) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "broken.json" in err and "title" in err


# --- split -------------------------------------------------------------------------------------------------


def test_split_is_stable_and_partitions_arcd() -> None:
    titles = [f"مقال {i}" for i in range(400)]
    splits = [split_of(t) for t in titles]
    assert splits == [split_of(t) for t in titles]
    assert 0.5 < splits.count("dev") / len(titles) < 0.7


def test_choose_articles_caps_and_leaves_out_by_seed(squad_file: Path) -> None:
    articles = read_squad(squad_file)
    kept, out = choose_articles(articles, "all", None, 0.34, seed=0)
    assert len(out) == 1 and len(kept) == 2
    assert [a.title for a in kept] == [a.title for a in articles if a not in out], "file order is kept"
    assert choose_articles(articles, "all", None, 0.34, seed=0) == (kept, out)
    left_out_by_seed = {choose_articles(articles, "all", None, 0.34, seed=s)[1][0].title for s in range(20)}
    assert len(left_out_by_seed) > 1, "the seed chooses which article is left out"
    kept2, out2 = choose_articles(articles, "all", 2, 0.0)
    assert len(kept2) == 2 and not out2
    dev = choose_articles(articles, "dev", None, 0.0)[0]
    test = choose_articles(articles, "test", None, 0.0)[0]
    assert {a.title for a in dev} | {a.title for a in test} == {a.title for a in articles}
    assert not {a.title for a in dev} & {a.title for a in test}
    with pytest.raises(ValueError, match="leave-out"):
        choose_articles(articles, "all", None, 1.0)


# --- knowledge base ------------------------------------------------------------------------------------


def test_the_built_knowledge_base_loads_and_is_identical_on_rebuild(squad_file: Path, tmp_path: Path) -> None:
    kb = build_squad_kb(squad_file, tmp_path / "a", "all", None, 0.34, 0)
    loaded = load_knowledge(kb.knowledge_dir)
    assert sorted(a.meta.id for a in loaded.articles) == sorted(kb.articles_in_base)
    assert not loaded.records and not loaded.claims
    meta = loaded.articles[0].meta
    assert meta.id.startswith("tiny-") and meta.language == "ar" and "wikipedia.org" in str(meta.url)
    assert len(kb.articles_left_out) == 1
    assert not (kb.knowledge_dir / "articles" / f"{kb.articles_left_out[0]}.md").exists()

    again = build_squad_kb(squad_file, tmp_path / "b", "all", None, 0.34, 0)
    files = sorted(p.name for p in (kb.knowledge_dir / "articles").iterdir())
    assert files == sorted(p.name for p in (again.knowledge_dir / "articles").iterdir())
    for name in files:
        assert (kb.knowledge_dir / "articles" / name).read_bytes() == (
            again.knowledge_dir / "articles" / name
        ).read_bytes()

    no_leave_out = build_squad_kb(squad_file, tmp_path / "a", "all", None, 0.0, 0)
    assert len(list((no_leave_out.knowledge_dir / "articles").glob("*.md"))) == 3
    fewer = build_squad_kb(squad_file, tmp_path / "a", "all", 1, 0.0, 0)
    assert len(list((fewer.knowledge_dir / "articles").glob("*.md"))) == 1, "no stale article stays behind"


def test_items_and_gold_spans(squad_file: Path, tmp_path: Path) -> None:
    kb = build_squad_kb(squad_file, tmp_path, "all", None, 0.34, 0)
    assert all(i.expect.answerable and TAG_IN_BASE in i.tags and i.expect.gold for i in kb.in_base)
    assert all(not i.expect.answerable and TAG_LEFT_OUT in i.tags and i.expect.gold for i in kb.left_out)
    assert len(kb.items) == 7
    articles = {a.meta.id: a for a in load_knowledge(kb.knowledge_dir).articles}
    for item in kb.in_base:
        span = kb.spans[item.id]
        assert articles[span.article_id].body[span.start : span.end] in item.expect.gold
        assert item.expect.sources == [span.article_id]


def test_gold_chunks_are_read_from_the_indexed_chunks(squad_file: Path, tmp_path: Path) -> None:
    kb = build_squad_kb(squad_file, tmp_path, "all", None, 0.0, 0)
    chunks = []
    for article in load_knowledge(kb.knowledge_dir).articles:
        pos = 0
        for n, para in enumerate(article.body.split("\n\n"), 1):
            chunks.append(
                {
                    "source_id": f"{article.meta.id}#c{n:02d}",
                    "article_id": article.meta.id,
                    "start": pos,
                    "end": pos + len(para),
                    "text": para,
                }
            )
            pos += len(para) + 2
    assert kb.resolve_gold_chunks(chunks) == len(kb.in_base)
    by_id = {i.id: i.expect.sources for i in kb.in_base}
    assert by_id["nile-length"] == ["tiny-001#c01"] and by_id["nile-countries"] == ["tiny-001#c02"]

    without_offsets = build_squad_kb(squad_file, tmp_path / "x", "all", None, 0.0, 0)
    stripped = [{k: v for k, v in c.items() if k not in ("start", "end")} for c in chunks]
    assert without_offsets.resolve_gold_chunks(stripped) == len(kb.in_base)
    assert {i.id: i.expect.sources for i in without_offsets.in_base} == by_id


# --- metrics -----------------------------------------------------------------------------------------------


def test_f1_drops_the_article_and_folds_spelling() -> None:
    assert token_f1("القاهرة", "قاهرة") == 1.0
    assert token_f1("أكتوبر", "اكتوبر") == 1.0
    assert token_f1("٤ يناير ٢٠١٠", "4 يناير 2010.") == 1.0
    assert token_f1("مُؤَسِّسُ علم الاجتماع", "مؤسس علم الاجتماع") == 1.0
    assert token_f1("في مدينة دبي", "دبي") == pytest.approx(0.5)
    assert token_f1("الرباط", "القاهرة") == 0.0
    assert answer_tokens("«الولايات المتحدة»، ال") == ["ولايات", "متحده"]
    assert exact_match("المقدمة", "مقدمه") and not exact_match("كتاب المقدمة", "المقدمة")


def test_item_metrics_pass_and_fail_where_they_should() -> None:
    golds = ["828 مترا"]
    good = {"text": "يبلغ ارتفاع برج خليفة 828 مترا.", "direct": "828 مترا", "answerable": True}
    assert item_squad_metrics(golds, True, good) == {"gold_in_answer": 1.0, "direct_f1": 100.0, "direct_em": 100.0}
    no_direct = {"text": "ارتفاعه 828 مترا", "direct": None, "answerable": True}
    m = item_squad_metrics(golds, True, no_direct)
    assert m["gold_in_answer"] == 1.0 and m["direct_f1"] == pytest.approx(100 * 2 * (2 / 3) / (1 + 2 / 3))
    refusal = {"text": "لا تتضمن قاعدة المعرفة 828 مترا", "answerable": False}
    assert item_squad_metrics(golds, True, refusal) == {"gold_in_answer": 0.0, "direct_f1": 0.0, "direct_em": 0.0}
    wrong = {"text": "يقع في دبي", "direct": "دبي", "answerable": True}
    assert item_squad_metrics(golds, True, wrong) == {"gold_in_answer": 0.0, "direct_f1": 0.0, "direct_em": 0.0}
    assert item_squad_metrics(["قطر"], True, {"text": "الوفد القطري", "answerable": True})["gold_in_answer"] == 0.0
    assert item_squad_metrics(golds, False, refusal) == {"left_out_refused": 1.0}
    assert item_squad_metrics(golds, False, good) == {"left_out_refused": 0.0}


def _item(qid: str, golds: list[str], answerable: bool = True, sources: list[str] | None = None) -> EvalItem:
    expect: dict[str, Any] = {"gold": golds, "answerable": answerable}
    if answerable:
        expect |= {"all": [golds], "sources": sources or []}
    return EvalItem(id=qid, question="؟", expect=expect, tags=[TAG_IN_BASE if answerable else TAG_LEFT_OUT])


def test_squad_metrics_and_gates_over_a_run() -> None:
    items = [
        _item("a", ["تونس"], sources=["x-001#c01"]),
        _item("b", ["828 مترا"], sources=["x-002#c01"]),
        _item("c", ["المقدمة"], answerable=False),
        _item("d", ["4 يناير 2010"], answerable=False),
    ]
    answers = [
        {"text": "ولد في تونس", "direct": "تونس", "answerable": True, "retrieved_ids": ["x-001#c01"]},
        {"text": "لا أعرف", "answerable": False, "retrieved_ids": ["x-003#c01"]},
        {"text": "لا تتضمن قاعدة المعرفة ذلك", "answerable": False},
        {"text": "افتتح في 4 يناير 2010", "answerable": True},
    ]
    m = squad_metrics(items, answers)
    assert m["gold_in_answer"] == 0.5 and m["direct_f1"] == 50.0 and m["direct_em"] == 50.0
    assert m["false_refusal_rate"] == 0.5 and m["left_out_refused"] == 0.5 and m["recall@5"] == 0.5
    assert (m["n_in_base"], m["n_left_out"]) == (2, 2)

    scores = [score(i, a) for i, a in zip(items, answers, strict=True)]
    overall = aggregate(scores, [1.0] * len(scores))
    for name in ("gold_in_answer", "direct_f1", "direct_em", "left_out_refused", "recall@5"):
        assert overall[name] == m[name], name
    block = {"overall": overall, "by_tag": {}}
    assert Gate.parse("gold_in_answer>=0.5").evaluate(block).passed
    assert not Gate.parse("f1>=50.1").evaluate(block).passed
    assert Gate.parse("left_out>=0.5").evaluate(block).passed
    assert aggregate([score(EvalItem(id="z", question="؟"), {"text": "x"})], [1.0])["gold_in_answer"] is None


# --- end to end ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_squad_run_scores_both_systems(squad_file: Path, tmp_path: Path) -> None:
    """The real embedding model and Chroma on a 3-article base, through the CLI flags."""
    parser = argparse.ArgumentParser(prog="assistant")
    register(parser.add_subparsers(dest="command"))
    out = tmp_path / "out"
    argv = ["eval", "--squad", str(squad_file), "--squad-split", "all", "--squad-leave-out", "0.34"]
    argv += ["--out", str(out), "--no-progress", "--gate", "gold_in_answer>=0", "--gate", "left_out_refused>=0"]
    args = parser.parse_args(argv)
    assert args.func(args, Settings(data_dir=tmp_path / "data")) == 0
    assert (tmp_path / "data" / "squad" / "chroma").is_dir(), "the import never touches the live index"

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    for system in ("assistant", "baseline"):
        overall = report["metrics"][system]["overall"]
        assert overall["n"] == 7 and overall["n_unanswerable"] == 2
        for name in ("gold_in_answer", "direct_f1", "direct_em", "false_refusal_rate", "left_out_refused"):
            assert overall[name] is not None, (system, name)
        assert overall["recall@5"] is not None
    baseline = report["metrics"]["baseline"]["overall"]
    assert baseline["left_out_refused"] == 0.0 and baseline["recall@5"] > 0.5
    assert report["metadata"]["squad"]["gold_chunks_resolved"] == 5
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all("squad" in r and "direct" in r for r in rows)
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "| gold_in_answer |" in md and "SQuAD import" in md


# --- a question overlay (the same questions in another language) ---------------------------------------


def test_an_overlay_replaces_questions_by_id_and_drops_the_rest(squad_file: Path, tmp_path: Path) -> None:
    overlay = tmp_path / "en.jsonl"
    rows = [
        {"id": "nile-length", "question": "How long is the  Nile?"},
        {"id": "burj-opened", "question": "When did Burj Khalifa open?"},
    ]
    overlay.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    questions = read_questions(overlay)
    assert questions == {"nile-length": "How long is the Nile?", "burj-opened": "When did Burj Khalifa open?"}
    kb = build_squad_kb(squad_file, tmp_path, "all", None, 0.0, 0, questions=questions)
    assert {i.id: i.question for i in kb.items} == questions
    plain = build_squad_kb(squad_file, tmp_path / "plain", "all", None, 0.0, 0)
    asked = {i.id: i for i in plain.items}
    for item in kb.items:  # the same gold answers and sources, only the question differs
        assert item.expect.gold == asked[item.id].expect.gold
        assert item.expect.sources == asked[item.id].expect.sources


def test_the_shipped_english_overlay_covers_arcd() -> None:
    """Every ARCD train question has one English translation (evals/datasets/arcd-en), and no other ids."""
    from assistant.settings import REPO_ROOT

    arcd = REPO_ROOT.parent / "shared" / "datasets" / "arcd" / "arcd-train.json"
    if not arcd.exists():
        pytest.skip("ARCD is not beside the checkout")
    ids = {q.id for a in read_squad(arcd) for q in a.questions}
    overlay = read_questions(REPO_ROOT / "evals" / "datasets" / "arcd-en" / "questions-en.jsonl")
    assert set(overlay) == {i.split("-")[0] for i in ids}
    assert all(q.isascii() or any(c.isascii() and c.isalpha() for c in q) for q in overlay.values())
