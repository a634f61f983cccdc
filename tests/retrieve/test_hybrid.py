"""Hybrid retrieval finds the passage that answers paraphrased questions (real model, real Chroma)."""

from __future__ import annotations

import pytest

from assistant import Assistant

# (question, a phrase of the passage that answers it, or a record id)
PARAPHRASES = [
    ("ما هي المجالات الأمنية التي ركزت عليها اللقاءات؟", "مكافحة الإرهاب، الجريمة العابرة للحدود"),
    ("هل تمت مناقشة الأمن الرقمي؟", "الأمن السيبراني وأمن الفضاء الرقمي"),
    ("ما الحدث الرياضي الذي يجمع المغرب وإسبانيا والبرتغال؟", "كأس العالم 2030"),
    ("كم عدد الدول التي شملتها اللقاءات؟", "20 لقاءً في 13 دولة"),
    ("أي قارة حظيت بأكبر عدد من اللقاءات؟", "استحوذت على النصيب الأكبر"),
    ("في أي شهور كان النشاط مكثفاً؟", "شهري ماي وشتنبر"),
    ("ما المناسبة التي التقى فيها حموشي الملك الإسباني؟", "ذكرى تأسيس الشرطة الإسبانية"),
    ("ما الدول التي شهدت تعاوناً تكنولوجياً؟", "تركيا والسعودية"),
    ("مع أي دول كان البعد الإقليمي حاضراً؟", "قطر والإمارات"),
    ("ما أهمية تبادل المعلومات بين الأجهزة الأمنية؟", "تبادل المعلومات"),
    ("كيف يرى المغرب مكانته الدولية؟", "شريك دولي موثوق"),
    ("ما هي الرؤية التي يستند إليها المغرب في دوره الأمني؟", "رؤية استراتيجية"),
    ("من هو عبد اللطيف حموشي؟", "المدير العام للأمن الوطني ولمراقبة التراب الوطني"),
    ("Which police chief from Brazil came to Morocco?", "mtg-2024-07-agadir-brazil"),
    ("زيارة حموشي إلى معرض الدفاع في الرياض", "mtg-2024-01-riyadh"),
    ("مذكرة التفاهم مع شرطة أبوظبي", "mtg-2024-13-abu-dhabi"),
    ("لقاء رئيسة أمن الدولة البلجيكي في الرباط", "mtg-2024-16-rabat-belgium"),
    ("اجتماع رؤساء الشرطة في منطقة الشرق الأوسط وشمال إفريقيا بمقر الإنتربول", "mtg-2024-11-lyon-interpol"),
    ("تسلم علم الإنتربول استعداداً لمراكش 2025", "mtg-2024-15-glasgow-interpol"),
    ("معرض معدات الأمن الداخلي في أنقرة", "mtg-2024-12-ankara"),
    ("زيارة جهاز MI5 وسكوتلاند يارد", "mtg-2024-03-london"),
    ("الاحتفال بالذكرى المئوية الثانية للشرطة الإسبانية", "mtg-2024-06-madrid"),
    ("وسام الشرف الذهبي للشرطة الفرنسية", "mtg-2024-10-paris"),
]


def _target_id(assistant: Assistant, target: str) -> str:
    if target.startswith("mtg-"):
        return target
    docs = assistant.vector_store().get(where={"kind": "article"})
    hits = [m["source_id"] for d, m in zip(docs["documents"], docs["metadatas"], strict=True) if target in d]
    assert hits, f"no chunk holds {target!r}"
    return hits[0]


@pytest.mark.parametrize(("question", "target"), PARAPHRASES, ids=[q[:30] for q, _ in PARAPHRASES])
def test_paraphrase_finds_the_passage_in_top_5(assistant: Assistant, question: str, target: str) -> None:
    want = _target_id(assistant, target)
    retriever = assistant._pipeline.retriever
    got = [str(d.metadata["source_id"]) for d in retriever.invoke(question)][:5]
    assert want in got, f"{want} not in {got}"


def test_filters_narrow_both_retrievers(assistant: Assistant) -> None:
    retriever = assistant._pipeline.retriever
    docs = retriever.invoke("التعاون الأمني", filter={"country": "FR"})
    assert docs and all(d.metadata.get("country") == "FR" for d in docs)
    ranked = retriever.invoke("مكافحة الإرهاب والجريمة المنظمة")
    assert {"bm25_rank", "dense_rank"} & set(ranked[0].metadata)
    assert len(ranked) == assistant.settings.top_k


class _Recording:
    """The real live vector store, recording the filter and k of each dense search."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store, self.calls = store, []

    def similarity_search_with_score(self, query: str, k: int = 4, filter=None, **kw):  # type: ignore[no-untyped-def]
        self.calls.append((k, filter))
        return self.store.similarity_search_with_score(query, k=k, filter=filter)

    def search_among(self, query: str, ids: list[str], k: int):  # type: ignore[no-untyped-def]
        self.calls.append(("among", len(ids)))
        return self.store.search_among(query, ids, k)


@pytest.mark.parametrize(
    "where",
    [{"kind": "article"}, {"kind": "record"}, {"country": "FR"}, {"$or": [{"kind": "article"}, {"country": "QA"}]}],
    ids=["articles", "records", "one-country", "or"],
)
def test_broad_and_narrow_filters_get_chroma_filtered_searchs_hits(assistant: Assistant, where: dict) -> None:
    """A filter that keeps most documents is applied in Python to a wider unfiltered search (Chroma's
    pre-filter reads every kept document); one that keeps a few is searched exactly over their vectors,
    fetched by id. The hits are Chroma's filtered search's."""
    retriever = assistant._pipeline.retriever
    share = retriever.bm25.share(where)
    kept = len(retriever.bm25.matching(where, 10**9) or [])
    recorded = _Recording(retriever.dense)
    ours = retriever.model_copy(update={"dense": recorded, "post_filter_share": 0.2, "exact_max_docs": 1000})
    inside = retriever.model_copy(update={"post_filter_share": 1.0, "exact_max_docs": 0})
    for question in [q for q, _ in PARAPHRASES[:8]]:
        recorded.calls.clear()
        got = [(d.metadata["source_id"], round(s, 4)) for d, s in ours._dense(question, where)]
        want = [(d.metadata["source_id"], round(s, 4)) for d, s in inside._dense(question, where)]
        assert got == want, question
        if share >= 0.2:
            assert recorded.calls[0][1] is None  # unfiltered, then filtered here
        else:
            assert recorded.calls == [("among", kept)]
    assert (share >= 0.2) == (where != {"country": "FR"})  # both paths are exercised


def test_keyword_search_can_look_for_other_words_than_the_query(assistant: Assistant) -> None:
    """A question in another script than the base: keyword search looks for the base's spellings of its
    names (``Pipeline.retrieve_articles``) while dense search embeds the question as asked."""
    retriever = assistant._pipeline.retriever
    question, where = "Which sporting event will Morocco co-host with Spain and Portugal?", {"kind": "article"}
    plain = retriever.invoke(question, filter=where)
    assert plain and not any("bm25_rank" in d.metadata for d in plain), "no English word is in the article"
    bridged = retriever.invoke(question, filter=where, keywords="كأس العالم 2030")
    assert any("bm25_rank" in d.metadata for d in bridged)
    assert any("كأس العالم" in d.page_content for d in bridged)
    assert retriever.invoke(question, filter=where, keywords="   ") == plain, "nothing to look for: dense alone"


def test_keyword_hits_dense_search_missed_are_placed_by_their_own_similarity(assistant: Assistant) -> None:
    """Among many documents approximate dense search returns look-alikes in place of a passage keyword search
    found: such a passage is scored exactly (its vector fetched by id) and fused by that, not counted absent."""
    retriever = assistant._pipeline.retriever
    question = "ما هي الدول التي زارها حموشي في الخليج؟"
    narrow = retriever.model_copy(update={"candidate_k": 3})  # dense returns 3: keyword finds others
    sparse, dense_hits = narrow.candidates(question)
    missing = {str(d.metadata["source_id"]) for d in sparse} - {str(d.metadata["source_id"]) for d, _ in dense_hits}
    assert missing, "keyword search found passages dense search did not return"
    merged = narrow._with_keyword_hits(question, sparse, dense_hits)
    ids = [str(d.metadata["source_id"]) for d, _ in merged]
    assert missing <= set(ids) and len(ids) == len(set(ids))
    distances = [s for _, s in merged]
    assert distances == sorted(distances)
    exact = dict(
        (str(d.metadata["source_id"]), s)
        for d, s in retriever.dense.search_among(question, [str(d.id) for d in sparse], 99)
    )
    for d, s in merged:
        key = str(d.metadata["source_id"])
        if key in missing:
            assert s == pytest.approx(exact[key], abs=1e-5)
    fused = narrow.invoke(question)
    assert any("dense_rank" in d.metadata and "bm25_rank" in d.metadata for d in fused)
    off = narrow.model_copy(update={"score_keyword_hits": False}).invoke(question)
    assert all("dense_rank" not in d.metadata for d in off if str(d.metadata["source_id"]) in missing), (
        "without it, those passages have no dense rank"
    )
