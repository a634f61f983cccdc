"""Keyword search over bm25s (issue 10): the Arabic analyser, filters on small subsets, ties and empty queries,
parity with the old rank_bm25 BM25Retriever on the shipped knowledge, and the stored form."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from langchain_core.documents import Document

from assistant.index.documents import CONTEXT, build_documents, search_text
from assistant.knowledge.loader import load_knowledge
from assistant.retrieve.filters import matches
from assistant.retrieve.keyword import KeywordIndex, KeywordIndexError, KeywordRetriever
from assistant.text import ANALYZER_VERSION, analyze
from tests.conftest import KNOWLEDGE
from tests.retrieve.test_hybrid import PARAPHRASES


def doc(i: int, text: str, **meta: object) -> Document:
    return Document(id=f"d{i}", page_content=text, metadata={"source_id": f"d{i}", **meta})


@pytest.fixture(scope="module")
def shipped_docs() -> list[Document]:
    return build_documents(load_knowledge(KNOWLEDGE))


def test_uses_the_arabic_analyser_not_an_english_tokenizer() -> None:
    index = KeywordIndex.build([doc(0, "استقبل المدير العام وفداً في الرباط."), doc(1, "زيارة إلى مدريد")])
    assert set(index.vocab) == set(analyze("استقبل المدير العام وفداً في الرباط.") + analyze("زيارة إلى مدريد"))
    # the definite article, a clitic preposition and «؟» all fall away as they do in the analyser
    hits = KeywordRetriever(index=index).invoke("بالرباط؟")
    assert [d.id for d in hits] == ["d0"]


def test_a_passage_that_names_its_topic_by_a_pronoun_is_found_by_the_topic() -> None:
    """Keyword search reads a document's context (its article's title) in front of its text; what it
    returns is the text alone."""
    iraq = doc(0, "يحدها من الشمال تركيا ومن الشرق إيران.", **{CONTEXT: "العراق"})
    syria = doc(1, "يحدها من الشمال تركيا ومن الجنوب الأردن.", **{CONTEXT: "سوريا"})
    hits = KeywordRetriever(index=KeywordIndex.build([syria, iraq])).invoke("ما الدولة التي تحد العراق من الشمال؟")
    assert [d.id for d in hits] == ["d0", "d1"]
    assert hits[0].page_content == iraq.page_content
    bare = [doc(0, iraq.page_content), doc(1, syria.page_content)]  # without their context: nothing tells them apart
    assert KeywordIndex.build(bare).scores(analyze("العراق")) is None


def test_holding_lists_the_documents_with_every_stem() -> None:
    index = KeywordIndex.build([doc(0, "تامر حسني مطرب"), doc(1, "حسني مبارك رئيس"), doc(2, "الغرب والشرق")])
    assert index.holding(analyze("حسني")).tolist() == [0, 1]
    assert index.holding(analyze("تامر حسني")).tolist() == [0]
    assert index.holding(analyze("تامر الغرب")).tolist() == []
    assert index.holding(analyze("كلمة لا يعرفها")).tolist() == []
    assert index.holding([]).tolist() == []


def test_a_filter_on_a_small_subset_returns_its_best_matches() -> None:
    """One short article among hundreds of distractors that mention the query words more often: the old
    approach (top candidates of all documents, filtered after) returned nothing for it."""
    docs = [doc(i, "التعاون الأمني ومكافحة الإرهاب " * 3, article_id=f"big-{i % 40}") for i in range(400)]
    docs += [doc(400, "حديث عن الطقس", article_id="small"), doc(401, "التعاون مع الجيران", article_id="small")]
    docs += [doc(402, "مكافحة الإرهاب في الساحل", article_id="small")]
    index = KeywordIndex.build(docs)
    where = {"article_id": {"$in": ["small"]}}
    got = index.search("التعاون الأمني ومكافحة الإرهاب", 20, where)
    assert [d.id for d in got] == ["d402", "d401"] or [d.id for d in got] == ["d401", "d402"]
    assert all(d.metadata["article_id"] == "small" for d in got)
    unfiltered = index.search("التعاون الأمني ومكافحة الإرهاب", 20)
    assert not [d for d in unfiltered if matches(d.metadata, where)]  # why the mask comes before the top-k


def test_filter_masks_agree_with_the_python_predicate() -> None:
    docs = [
        doc(i, f"نص {i}", kind="record" if i % 3 else "article", date=20240100 + i, country=["FR", "QA", "ES"][i % 3])
        for i in range(30)
    ]
    docs.append(doc(30, "نص بلا بيانات"))
    index = KeywordIndex.build(docs)
    wheres = [
        {"kind": "record"},
        {"kind": {"$ne": "record"}},
        {"country": {"$in": ["FR", "QA"]}},
        {"date": {"$gte": 20240110, "$lte": 20240120}},
        {"$and": [{"kind": "record"}, {"$or": [{"country": "QA"}, {"date": {"$lte": 20240105}}]}]},
        {"missing": "x"},
        {"missing": {"$ne": "x"}},
    ]
    for where in wheres:
        mask = index.columns.mask(where)
        assert mask is not None
        assert mask.tolist() == [matches(d.metadata, where) for d in docs], where


def test_ties_keep_document_order_and_empty_queries_return_nothing() -> None:
    docs = [doc(i, "لقاء في الرباط") for i in range(5)] + [doc(5, "لقاء في الرباط وفي الرباط")]
    retriever = KeywordRetriever(index=KeywordIndex.build(docs), k=4)
    assert [d.id for d in retriever.invoke("الرباط")] == ["d5", "d0", "d1", "d2"]
    assert retriever.invoke("") == []
    assert retriever.invoke("في من ما؟") == []  # stopwords only
    assert retriever.invoke("xyzzy") == []  # unknown words only
    assert KeywordRetriever(index=KeywordIndex.build([])).invoke("الرباط") == []


def test_top_results_match_the_old_bm25_retriever_on_the_shipped_knowledge(shipped_docs: list[Document]) -> None:
    from langchain_community.retrievers import BM25Retriever

    searched = [Document(page_content=search_text(d), metadata=d.metadata) for d in shipped_docs]
    old = BM25Retriever.from_documents(searched, preprocess_func=analyze, k=5)
    new = KeywordRetriever(index=KeywordIndex.build(shipped_docs), k=5)
    firsts, overlap = 0, []
    for question, _ in PARAPHRASES:
        a = [d.metadata["source_id"] for d in new.invoke(question)]
        b = [d.metadata["source_id"] for d in old.invoke(question)]
        firsts += a[:1] == b[:1]
        overlap.append(len(set(a) & set(b)))
    # same tokens and BM25 weights; only the idf variant differs (rank_bm25's Okapi floor vs lucene's)
    assert firsts >= 0.9 * len(PARAPHRASES), firsts
    assert sum(overlap) / len(overlap) >= 4.0, overlap


def test_saved_and_loaded_index_answers_alike(shipped_docs: list[Document], tmp_path: Path) -> None:
    built = KeywordIndex.build(shipped_docs)
    built.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    for question, _ in PARAPHRASES[:8]:
        for where in (None, {"kind": "article"}, {"$and": [{"kind": "record"}, {"year": 2024}]}):
            a, b = built.search(question, 10, where), loaded.search(question, 10, where)
            assert [(d.id, d.page_content, d.metadata) for d in a] == [(d.id, d.page_content, d.metadata) for d in b]
    assert loaded.df(analyze("الرباط")[0]) == built.df(analyze("الرباط")[0]) > 0


@pytest.mark.parametrize("damage", ["truncate-array", "drop-docs", "bad-json", "wrong-format", "other-analyser"])
def test_a_damaged_stored_index_is_a_keyword_index_error(
    shipped_docs: list[Document], tmp_path: Path, damage: str
) -> None:
    folder = tmp_path / "kw"
    KeywordIndex.build(shipped_docs).save(folder)
    if damage == "truncate-array":
        path = folder / "indices.npy"
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "drop-docs":
        (folder / "docs.jsonl").unlink()
    elif damage == "bad-json":
        (folder / "vocab.json").write_text("[not json", encoding="utf-8")
    elif damage == "wrong-format":
        (folder / "index.json").write_text('{"format": 999}', encoding="utf-8")
    else:  # stems of another analyser version (an upgrade changed light_stem): rebuilt, never matched wrongly
        meta = json.loads((folder / "index.json").read_text(encoding="utf-8"))
        (folder / "index.json").write_text(json.dumps({**meta, "analyzer": ANALYZER_VERSION + 1}), encoding="utf-8")
    with pytest.raises(KeywordIndexError):
        KeywordIndex.load(folder)


def test_scores_sum_posting_lists_like_bm25s(shipped_docs: list[Document]) -> None:
    import bm25s

    tokens = [analyze(search_text(d)) for d in shipped_docs]
    reference = bm25s.BM25()
    reference.index(tokens, show_progress=False)
    index = KeywordIndex.build(shipped_docs, tokens)
    query = analyze("التعاون الأمني مع إسبانيا وكأس العالم 2030")
    expected = reference.get_scores([t for t in query if t in reference.vocab_dict])
    got = index.scores(query)
    assert got is not None
    np.testing.assert_allclose(got, expected, rtol=1e-5)
