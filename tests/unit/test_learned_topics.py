"""The learned topic model beside the taxonomy: training, storing by content hash, tagging with evidence."""

from pathlib import Path

from extractors.records import Article
from extractors.tagging.learned import FEATURES, is_short, shown_term, text_features
from extractors.tagging.topics import tag_article
from extractors.tagging.training import TrainingOptions, fold_of, train_topic_model
from flows.seed_files import load_tagging, load_taxonomy
from flows.topic_model_files import load_model, save_model
from tests.support.paths import PROJECT
from tests.support.topic_rows import walnut_rows, walnut_text

TOPICS = PROJECT / "seeds" / "topics.toml"
TAXONOMY = load_taxonomy(TOPICS)


def _article(title: str, text: str) -> Article:
    return Article(article_id="unseen", url="http://127.0.0.1/unseen", source="t", title=title, text=text)


def _trained(tmp_path: Path) -> Path:
    path = tmp_path / "model.npz"
    save_model(path, train_topic_model(walnut_rows(), TAXONOMY))
    return path


def test_a_trained_model_tags_what_the_taxonomy_misses_with_its_evidence(tmp_path: Path) -> None:
    unseen = _article(*walnut_text(99))
    assert "tariffs" not in {t.topic for t in tag_article(unseen, TAXONOMY)}, "the taxonomy knows no walnut levy"
    parsed = load_model(_trained(tmp_path))
    assert parsed is not None
    with_model = load_taxonomy(TOPICS, parsed)
    tags = {t.topic: t for t in tag_article(unseen, with_model)}
    assert "tariffs" in tags
    assert tags["tariffs"].score >= 1.0
    evidence = tags["tariffs"].evidence
    assert any(e.startswith("model:walnut") for e in evidence), evidence
    assert all(e.rsplit("+", 1)[1].replace(".", "").isdigit() for e in evidence if e.startswith("model:"))


def test_the_model_does_not_tag_the_other_kind(tmp_path: Path) -> None:
    parsed = load_model(_trained(tmp_path))
    with_model = load_taxonomy(TOPICS, parsed)
    unseen = _article("Cricket board names captain", "The cricket board named a new captain before the series.")
    assert "tariffs" not in {t.topic for t in tag_article(unseen, with_model)}


def test_tagger_version_carries_the_model_content_hash(tmp_path: Path) -> None:
    path = _trained(tmp_path)
    first = load_tagging(TOPICS, None, path).models()[0].tagger_version
    assert first.startswith(TAXONOMY.tagger_version + "+model-")
    other = tmp_path / "other.npz"
    save_model(other, train_topic_model(walnut_rows(10), TAXONOMY))
    assert load_tagging(TOPICS, None, other).models()[0].tagger_version != first
    again = tmp_path / "again.npz"
    save_model(again, train_topic_model(walnut_rows(), TAXONOMY))
    assert load_tagging(TOPICS, None, again).models()[0].tagger_version == first, "same rows, same model"


def test_no_model_file_means_the_taxonomy_alone(tmp_path: Path) -> None:
    files = load_tagging(TOPICS, None, tmp_path / "none.npz")
    assert files.model is None and files.model_problem is None
    assert files.models()[0].tagger_version == TAXONOMY.tagger_version


def test_a_topic_without_enough_examples_is_left_to_the_taxonomy() -> None:
    rows = walnut_rows(2)
    trained = train_topic_model(rows, TAXONOMY, TrainingOptions(min_examples=3))
    assert trained.meta["topics"] == []
    assert "tariffs" in trained.skipped


def test_thresholds_are_probabilities_and_folds_are_stable() -> None:
    trained = train_topic_model(walnut_rows(), TAXONOMY)
    assert trained.meta["features"] == FEATURES
    short, long = trained.meta["thresholds"]["tariffs"]
    assert 0 < short < 1 and 0 < long < 1
    assert [fold_of(f"row-{i}", 4) for i in range(20)] == [fold_of(f"row-{i}", 4) for i in range(20)]
    assert len({fold_of(f"row-{i}", 4) for i in range(40)}) == 4


def test_features_keep_hindi_and_russian_words_whole() -> None:
    found = text_features("भारत और रूस", "Россия поставляет нефть")
    assert "भारत" in found and "रूस" in found and "भारत और" in found
    assert "россия" in found and "нефть" in found
    assert "भ" not in found, "a vowel sign does not split a Hindi word"


def test_evidence_shows_character_grams_as_parts_of_words() -> None:
    assert shown_term("# tar") == "tar…"
    assert shown_term("#iff ") == "…iff"
    assert shown_term("#ari") == "…ari…"
    assert shown_term("trade deficit") == "trade deficit"
    assert shown_term("=tariffs:tagged") == "taxonomy:tariffs:tagged"


def test_headlines_and_stories_are_told_apart() -> None:
    assert is_short("A headline", "One line of summary.")
    assert not is_short("A headline", "word " * 80)


def test_the_model_reads_the_lead_of_a_long_article_not_all_of_it() -> None:
    # 200 words of body are read for words, 40 for character n-grams: a long article costs what its lead does
    body = " ".join(["filler"] * 150 + ["zebraword"] + ["filler"] * 100 + ["quaggaword"] + ["filler"] * 500)
    found = text_features("A title", body)
    assert "zebraword" in found and "quaggaword" not in found
    assert "#zebra" not in found  # past the 40 words whose character n-grams are read
    assert FEATURES.endswith("/2")  # a model trained on the features that read further is refused


def test_a_model_trained_beside_another_taxonomy_is_used_with_a_warning(tmp_path: Path) -> None:
    """After a taxonomy edit or upgrade the model's taxonomy-score features come from other rules: it still
    tags, and the run says to train it again."""
    model = _trained(tmp_path)
    assert load_tagging(TOPICS, None, model).model_warning() is None
    edited = tmp_path / "topics.toml"
    edited.write_text(TOPICS.read_text(encoding="utf-8").replace("passing_mention = 0.25", "passing_mention = 0.3"))
    tagging = load_tagging(edited, None, model)
    warning = tagging.model_warning()
    assert warning is not None and "\n" not in warning
    assert TAXONOMY.tagger_version in warning and tagging.models()[0].tagger_version.split("+model-")[0] in warning
    assert "newswatch topics train" in warning
    assert tagging.models()[0].model is not None  # still used


def test_training_reports_its_progress_to_the_end_of_each_stage() -> None:
    """Training thousands of rows takes minutes: the caller hears of the rows read and of every fit."""
    from collections import defaultdict

    from extractors.tagging.training import FEATURE_STAGE, FIT_STAGE

    done: dict[str, int] = defaultdict(int)
    totals: dict[str, set[int]] = defaultdict(set)

    def heard(stage: str, step: int, total: int) -> None:
        assert step > 0
        done[stage] += step
        totals[stage].add(total)

    rows = walnut_rows()
    options = TrainingOptions()
    trained = train_topic_model(rows, TAXONOMY, options, on_progress=heard)
    judged = {t for r in rows for t in r.judged}
    assert totals == {FEATURE_STAGE: {len(rows)}, FIT_STAGE: {len(judged) * (options.folds + 1)}}
    assert done[FEATURE_STAGE] == len(rows) and done[FIT_STAGE] == len(judged) * (options.folds + 1)
    assert trained.meta["topics"]
