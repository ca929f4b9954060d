"""Same-story linking against what broke it (issue 18): stories that changed with the batch size, a first
report stuck in an older story of the same kind, reports in Hindi and Russian that could never join the
English story, and the gazetteer's missing Russian case forms."""

from __future__ import annotations

from datetime import date

from extractors.article.urls import article_id
from extractors.dedup.fingerprints import fingerprint
from extractors.dedup.story_links import StoryIndex, link_batch
from extractors.dedup.story_profile import story_profile
from extractors.records import Article, ProcessedArticle, StoryLink
from extractors.tagging.entities import extract_entities
from flows.seed_files import load_gazetteer
from tests.support.paths import PROJECT

GAZETTEER = load_gazetteer(PROJECT / "seeds" / "entities.toml")
# Two arrests of the same kind, each told by three outlets in words of their own (near copies would be
# flagged by the dedup ladder before the same-story stage sees them).
JACKSON = [
    "San Diego Chargers wide receiver Vincent Jackson was arrested on suspicion of drunk driving early Tuesday."
    " The California Highway Patrol said Jackson failed field sobriety tests on State Route 52 after 2 a.m."
    " He was booked into county jail and released on bail.",
    "Vincent Jackson of the Chargers faces a drunk-driving charge after the Highway Patrol stopped his car on"
    " State Route 52 at about 2:30 Tuesday morning. Officers said the receiver failed sobriety tests. Jackson"
    " posted bail hours later.",
    "Chargers receiver Vincent Jackson spent part of Tuesday in jail. Jackson was arrested on suspicion of"
    " driving under the influence on Route 52 in San Diego, a patrol spokesman said, and was released after"
    " posting bail.",
]
WILLIAMS = [
    "San Diego Chargers defensive tackle Jamal Williams was arrested on suspicion of drunk driving early Sunday."
    " The California Highway Patrol said Williams was pulled over for speeding on Interstate 15 and agreed to"
    " a blood test. The three-time Pro Bowl lineman was released.",
    "Jamal Williams, the Chargers nose tackle, was stopped for speeding on Interstate 15 early Sunday and"
    " arrested on suspicion of DUI, the Highway Patrol said. Williams gave a blood sample; the Pro Bowl"
    " lineman was later released.",
    "Pro Bowl tackle Jamal Williams of the Chargers was booked Sunday after a speeding stop on Interstate 15."
    " Williams gave a blood sample at the scene, officers said, and the lineman was released without bail.",
]


def _report(n: int, name: str, text: str) -> Article:
    url = f"https://example.org/{name}-{n}"
    return Article(article_id=article_id(url), url=url, source=f"outlet{n}", title="", text=text)


OLDER = [_report(n, "jackson", t) for n, t in enumerate(JACKSON)]
NEWER = [_report(n, "williams", t) for n, t in enumerate(WILLIAMS)]


def _link(articles: list[Article], index: StoryIndex) -> list[StoryLink]:
    items = [ProcessedArticle(article=a, fingerprint=fingerprint(a), duplicate=None, tags=()) for a in articles]
    profiles = [story_profile(a, extract_entities(a, GAZETTEER)) for a in articles]
    return [i.story for i in link_batch(items, profiles, index) if i.story is not None]


def _stories_in_batches_of(size: int) -> dict[str, str]:
    index = StoryIndex()
    _link(OLDER, index)
    for start in range(0, len(NEWER), size):
        _link(NEWER[start : start + size], index)
    return {a.article_id: index.story_of[a.article_id] for a in OLDER + NEWER}


def test_stories_do_not_depend_on_how_articles_were_batched() -> None:
    one_at_a_time, together = _stories_in_batches_of(1), _stories_in_batches_of(3)
    assert one_at_a_time == together
    assert {together[a.article_id] for a in NEWER} == {NEWER[0].article_id}
    assert {together[a.article_id] for a in OLDER} == {OLDER[0].article_id}


def test_the_first_report_of_a_new_event_leaves_the_older_story_when_the_second_arrives() -> None:
    index = StoryIndex()
    _link(OLDER, index)
    (first,) = _link(NEWER[:1], index)
    assert first.story_id == OLDER[0].article_id  # alone, it reads like the older arrest
    (second,) = _link(NEWER[1:2], index)
    moved = index.moved[NEWER[0].article_id]
    assert second.story_id == moved.story_id == NEWER[0].article_id
    assert moved.kind == "new" and "moved out of story" in moved.detail
    assert index.story_of[NEWER[0].article_id] == NEWER[0].article_id


def _summit(doc_id: str, language: str, day: int, title: str, text: str) -> Article:
    url = f"https://example.org/{doc_id}"
    return Article(
        article_id=article_id(url),
        url=url,
        source=doc_id,
        title=title,
        text=text,
        language=language,
        published=date(2025, 12, day),
    )


STATEMENT_EN = _summit(
    "en",
    "en",
    5,
    "Modi, Putin set $100 billion trade goal in joint statement",
    "Prime Minister Narendra Modi and President Vladimir Putin issued a joint statement on December 5 after the"
    " annual summit in New Delhi, setting a target of $100 billion in bilateral trade by 2030. They signed 12"
    " agreements on energy, shipping and fertilisers.",
)
STATEMENT_HI = _summit(
    "hi",
    "hi",
    5,
    "मोदी और पुतिन का संयुक्त बयान, 2030 तक 100 अरब डॉलर व्यापार का लक्ष्य",
    "प्रधानमंत्री नरेंद्र मोदी और राष्ट्रपति व्लादिमीर पुतिन ने 5 दिसंबर को नई दिल्ली में वार्षिक शिखर सम्मेलन के बाद संयुक्त बयान"
    " जारी किया। दोनों नेताओं ने 2030 तक व्यापार को 100 अरब डॉलर तक ले जाने का लक्ष्य रखा और 12 समझौतों पर हस्ताक्षर किए।",
)
STATEMENT_RU = _summit(
    "ru",
    "ru",
    5,
    "Путин и Моди приняли совместное заявление в Нью-Дели",
    "Владимир Путин и Нарендра Моди 5 декабря приняли совместное заявление по итогам ежегодного саммита в"
    " Нью-Дели. Стороны поставили цель довести товарооборот до 100 млрд долларов к 2030 году и подписали"
    " 12 соглашений.",
)
PESKOV_RU = _summit(
    "peskov",
    "ru",
    3,
    "Песков: в ходе визита Путина в Индию объявлений по С-400 не ожидается",
    "Пресс-секретарь президента Дмитрий Песков 3 декабря заявил в Москве, что визит Владимира Путина в Индию"
    " будет посвящен энергетике, новых объявлений о поставках С-400 не планируется, сообщили в Кремле.",
)


def test_hindi_and_russian_reports_join_the_english_story_of_their_event_and_no_other() -> None:
    index = StoryIndex()
    peskov, en, hi, ru = _link([PESKOV_RU, STATEMENT_EN, STATEMENT_HI, STATEMENT_RU], index)
    assert hi.story_id == ru.story_id == en.story_id == STATEMENT_EN.article_id
    assert peskov.story_id == PESKOV_RU.article_id
    # what linked them is said: the entities, the date and the numbers the two share
    assert hi.detail.startswith("cross-language: entities, dates and numbers cosine")
    assert "#vladimir putin" in hi.detail and "2030" in hi.detail


def test_dates_and_numbers_read_the_same_in_three_languages() -> None:
    from extractors.dedup.story_evidence import ascii_numbers, date_terms

    assert date_terms("on December 5") == date_terms("5 декабря") == date_terms("5 दिसंबर को") == ["%12-05"]
    assert date_terms("Dec. 3rd, 2025 and 4 May") == ["%12-03", "%05-04"]
    assert date_terms("talks 2 may be held") == []  # the English verb, not the month
    assert ascii_numbers("२०२५ में १०० अरब") == ["2025", "100"]


def test_the_gazetteer_knows_the_russian_case_forms_news_uses() -> None:
    text = (
        "По словам Пескова, глава Рособоронэкспорта встретился с Джайшанкаром. В Кремле обсуждали"
        " границу с Пакистаном и поставки «Роснефти»; Раджнат Сингх был в Москве."
    )
    found = {
        e.entity for e in extract_entities(Article(article_id="x", url="x", source="x", title="", text=text), GAZETTEER)
    }
    assert {
        "Dmitry Peskov",
        "Rosoboronexport",
        "S. Jaishankar",
        "Kremlin",
        "Pakistan",
        "Rosneft",
        "Rajnath Singh",
        "Moscow",
    } <= found


def _written_set(name: str) -> list[tuple[Article, str]]:
    import json

    rows = [json.loads(line) for line in (PROJECT / "bench" / "stories-xl" / name).read_text("utf-8").splitlines()]
    return [
        (
            Article(
                article_id=article_id(f"bench://stories/{r['doc_id']}"),
                url=f"bench://stories/{r['doc_id']}",
                source="bench",
                title=r["title"],
                text=r["text"],
                language=r["lang"],
                published=date.fromisoformat(r["date"]),
            ),
            r["cluster"],
        )
        for r in rows
    ]


def test_three_events_of_one_summit_day_stay_apart_in_every_language() -> None:
    # bench/stories-xl/check2.jsonl: the nuclear deal, the press conference and the business forum of one
    # day, each in English, Hindi and Russian; all nine name Putin, Modi or New Delhi and the date
    written = _written_set("check2.jsonl")
    for size in (1, len(written)):
        index = StoryIndex()
        for start in range(0, len(written), size):
            _link([a for a, _ in written[start : start + size]], index)
        stories: dict[str, set[str]] = {}
        for article, cluster in written:
            stories.setdefault(cluster, set()).add(index.story_of[article.article_id])
        assert all(len(s) == 1 for s in stories.values())
        assert len(set.union(*stories.values())) == 3
