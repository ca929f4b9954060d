from pathlib import Path

import pytest

from extractors.records import Article
from extractors.tagging.entities import extract_entities
from flows.seed_files import load_gazetteer
from tests.support.helpers import seed_article
from tests.support.paths import PROJECT

GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")


def _article(title: str, text: str) -> Article:
    return Article(article_id="x", url="http://127.0.0.1/x", source="t", title=title, text=text)


def _counts(article: Article) -> dict[str, int]:
    return {e.entity: e.mentions for e in extract_entities(article, GAZETTEER)}


def test_seed_entities_are_counted_with_their_aliases() -> None:
    found = {e.entity: e for e in extract_entities(seed_article("003"), GAZETTEER)}
    assert found["S-400 Triumf"].kind == "weapon" and found["S-400 Triumf"].mentions == 2
    assert found["S-500 Prometey"].mentions == 2
    # "Stockholm International Peace Research Institute (Sipri)": two spellings of one organisation
    assert found["SIPRI"].mentions == 2
    assert set(found["SIPRI"].aliases) == {"Stockholm International Peace Research Institute", "Sipri"}
    assert found["IRIGC-M&MTC"].kind == "organisation"
    assert {"Rajnath Singh", "Andrei Belousov", "Vladimir Putin"} <= set(found)
    assert found["Vladimir Putin"].gazetteer_version.startswith("gazetteer-")


def test_hindi_and_russian_transliterations_resolve_to_one_entity() -> None:
    article = _article(
        "Путин и Моди обсудили С-400",
        "Владимир Путин встретился с Моди в Москве. भारत और रूस ने ब्रह्मोस पर बात की। Путину показали Су-57.",
    )
    counts = _counts(article)
    assert counts["Vladimir Putin"] == 3  # Путин (title), Владимир Путин, Путину
    assert counts["Narendra Modi"] == 2
    assert counts["S-400 Triumf"] == 1 and counts["Su-57"] == 1 and counts["BrahMos"] == 1
    assert counts["India"] == 1 and counts["Russia"] == 1 and counts["Moscow"] == 1
    in_title = {e.entity for e in extract_entities(article, GAZETTEER) if e.in_title}
    assert in_title == {"Vladimir Putin", "Narendra Modi", "S-400 Triumf"}


def test_acronyms_are_case_sensitive_and_longest_alias_wins() -> None:
    counts = _counts(
        _article("", "BrahMos Aerospace tested a BrahMos missile. The disco scored; hal said so. SCO met in New Delhi.")
    )
    assert counts["BrahMos Aerospace"] == 1 and counts["BrahMos"] == 1
    assert counts["Shanghai Cooperation Organisation"] == 1
    assert "Hindustan Aeronautics" not in counts
    assert counts["New Delhi"] == 1  # not also counted as "Delhi"


def test_gazetteer_rejects_unknown_kind(tmp_path: Path) -> None:
    bad = tmp_path / "entities.toml"
    bad.write_text('version = "1"\n[[entity]]\nname = "X"\nkind = "planet"\naliases = []\n', encoding="utf-8")
    with pytest.raises(ValueError, match="planet"):
        load_gazetteer(bad)
