"""The two-subject fixture knowledge base (evals/kbs/two-subjects) and the generality datasets load and agree."""

from __future__ import annotations

from assistant.knowledge.loader import load_knowledge
from assistant.settings import REPO_ROOT
from evals.schema import load_dataset
from tests.conftest import KNOWLEDGE

KB = REPO_ROOT / "evals" / "kbs" / "two-subjects"
DATASETS = REPO_ROOT / "evals" / "datasets"
SHIPPED = (
    "articles/anfaspress-2025-02-06.md",
    "records/meetings-2024.yaml",
    "claims/anfaspress-2025-02-06.yaml",
)


def test_shipped_files_are_relative_symlinks_that_resolve() -> None:
    for rel in (*SHIPPED, "reference"):
        link = KB / rel
        assert link.is_symlink(), rel
        assert not link.readlink().is_absolute(), rel
        assert link.resolve() == (KNOWLEDGE / rel).resolve(), rel
    for rel in (
        "articles/marsadrabat-2025-03-10.md",
        "records/idrissi-meetings-2024.yaml",
        "claims/marsadrabat-2025-03-10.yaml",
    ):
        assert (KB / rel).is_file() and not (KB / rel).is_symlink(), rel


def test_two_subjects_load_with_their_own_genders_and_articles() -> None:
    kb = load_knowledge(KB)
    assert sorted(a.meta.id for a in kb.articles) == ["anfaspress-2025-02-06", "marsadrabat-2025-03-10"]
    by_id = {f.collection.id: f for f in kb.record_files}
    assert set(by_id) == {"hammouchi-meetings-2024", "idrissi-meetings-2024"}
    hammouchi, idrissi = by_id["hammouchi-meetings-2024"], by_id["idrissi-meetings-2024"]
    assert (hammouchi.collection.subject.name_ar, hammouchi.collection.subject.gender) == ("عبد اللطيف حموشي", "m")
    assert (idrissi.collection.subject.name_ar, idrissi.collection.subject.gender) == ("سلمى الإدريسي", "f")
    assert len(hammouchi.records) == 17 and len(idrissi.records) == 10
    assert len(kb.records) == 27
    assert idrissi.collection.related_articles == ["marsadrabat-2025-03-10"]

    # the subjects do not share a name, alias or ref
    def names(f):  # type: ignore[no-untyped-def]
        s = f.collection.subject
        return {s.name_ar, s.name_latin, *s.aliases, *s.refs}

    assert not names(hammouchi) & names(idrissi)
    # the collisions the dataset relies on
    madrid = {f.collection.id: [r.start.month for r in f.records if r.city.latin == "Madrid"] for f in kb.record_files}
    assert madrid == {"hammouchi-meetings-2024": [5], "idrissi-meetings-2024": [10]}
    assert any(r.city.latin == "Cairo" for r in idrissi.records)
    assert not any(r.city.latin == "Cairo" for r in hammouchi.records)
    claims = {cf.article: {c.kind: c for c in cf.claims} for cf in kb.claims}
    second = claims["marsadrabat-2025-03-10"]
    assert (second["count_meetings"].value, second["count_countries"].value) == (15, 11)
    assert second["busy_months"].months == [5, 10]
    assert len(second["axes"].items) == 3
    assert claims["anfaspress-2025-02-06"]["count_meetings"].value == 20


def test_generality_datasets_load_and_cite_known_sources() -> None:
    kb = load_knowledge(KB)
    known = {r.id for r in kb.records} | {a.meta.id for a in kb.articles}
    two = load_dataset(DATASETS / "two-subjects" / "two-subjects.jsonl")
    para = load_dataset(DATASETS / "paraphrases.jsonl")
    assert len(two.items) >= 40 and len(para.items) >= 40
    assert all("slice:two-subjects" in i.tags for i in two.items)
    assert all("slice:paraphrase" in i.tags for i in para.items)
    assert {t for i in two.items for t in i.tags if t.startswith("subject:")} == {
        "subject:hammouchi",
        "subject:idrissi",
        "subject:both",
    }
    shipped = {r.id for r in load_knowledge(KNOWLEDGE).records} | {"anfaspress-2025-02-06"}
    for item in two.items:
        assert {s.split("#")[0] for s in item.expect.sources} <= known, item.id
    for item in para.items:
        assert {s.split("#")[0] for s in item.expect.sources} <= shipped, item.id
    # the default eval run (evals/datasets/*.jsonl, shipped KB) must not pick up the two-subject set
    assert (DATASETS / "paraphrases.jsonl") in set(DATASETS.glob("*.jsonl"))
    assert not any("two-subjects" in p.name for p in DATASETS.glob("*.jsonl"))
