from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.ladder import KnownFingerprints, judge_batch
from tests.support.helpers import copy_of, seed_article

SYNDICATION_NOTE = "This report is auto-generated from a syndicated news agency feed."


def _judge(*articles):  # type: ignore[no-untyped-def]
    return judge_batch([(a, fingerprint(a)) for a in articles], KnownFingerprints())


def test_verbatim_copy_is_exact_duplicate_of_seed() -> None:
    seed = seed_article("000")
    copy = copy_of(seed, "https://theprint.in/world/x/1")
    verdicts = _judge(seed, copy)
    assert verdicts[0] is None
    assert verdicts[1] is not None
    assert verdicts[1].kind == "exact"
    assert verdicts[1].matched_article_id == seed.article_id


def test_syndicated_copy_in_other_furniture_is_near_duplicate() -> None:
    seed = seed_article("002")
    paragraphs = seed.text.split("\n\n")
    copy = copy_of(seed, "https://example.org/ians/1", text="\n".join(paragraphs[:-1]) + "\n" + SYNDICATION_NOTE)
    verdict = _judge(seed, copy)[1]
    assert verdict is not None and verdict.kind == "near"
    assert verdict.score >= 0.7
    assert verdict.matched_article_id == seed.article_id
    assert "Jaccard" in verdict.detail


def test_distinct_seeds_are_not_duplicates() -> None:
    verdicts = _judge(*(seed_article(p) for p in ("000", "001", "002", "003", "004")))
    assert verdicts == [None] * 5


def test_same_title_same_source_within_window_is_title_duplicate() -> None:
    seed = seed_article("003")
    first = copy_of(seed, "https://bs.example/a", source="bs")
    second = copy_of(seed, "https://bs.example/b", source="bs", text="Updated: " + seed.text[:400])
    verdict = _judge(first, second)[1]
    assert verdict is not None and verdict.kind == "title"
