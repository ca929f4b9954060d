"""The relevance screen on raw markup (extractors/tagging/markup_screen.py) never turns away a page that the
full path (extraction, then the full-text verdict) keeps: seed articles and hostile HTML, each judged both
ways. The screen may let off-topic pages through; these tests also pin what it turns away."""

from __future__ import annotations

import html
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.article.extract import ExtractionError, extract_article
from extractors.records import FeedEntry, FetchedPage
from extractors.tagging.markup_screen import judge_markup, markup_screen
from extractors.tagging.relevance import RelevanceQuery, judge_text, make_group
from flows import seed_files
from flows import settings as nw_settings
from tests.support.paths import CORPUS

QUERY = seed_files.load_query(nw_settings.DEFAULT_RELEVANCE)
SCREEN = markup_screen(QUERY)
FILLER = "The committee met on Tuesday to review the annual budget, and members asked for more detail on spending. " * 4
HINDI = "भारत और रूस ने रक्षा सहयोग पर नई दिल्ली में बातचीत की। दोनों देशों के मंत्रियों ने समझौते पर हस्ताक्षर किए। " * 4
RUSSIAN = "Россия и Индия обсудили оборонное сотрудничество в Нью-Дели. Министры двух стран подписали соглашение. " * 4


def page(body: str, *, head: str = "", lang: str = "en") -> bytes:
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav><article>{body}</article><footer>Contact us</footer></body></html>"
    ).encode()


def full_path_keeps(body: bytes) -> bool:
    url = "https://news.example/story"
    fetched = FetchedPage(
        entry=FeedEntry(source="t", link=url), canonical_url=url, final_url=url, status=200, html=body
    )
    try:
        article = extract_article(fetched)
    except ExtractionError:
        return False
    return judge_text(QUERY, article.title, article.text).decision == "relevant"


def screen_passes(body: bytes) -> bool:
    assert SCREEN is not None
    return judge_markup(SCREEN, body).decision == "undecided"


def paragraphs(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n") if p.strip())


def seed_pages() -> list[bytes]:
    pages = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        pages.append(page(paragraphs(text)))
    return pages


def test_the_seed_query_has_a_screen() -> None:
    assert SCREEN is not None and [g.name for g in SCREEN.groups] == ["India", "Russia"]


@pytest.mark.parametrize("index", range(5))
def test_every_seed_article_as_a_page_passes_the_screen(index: int) -> None:
    body = seed_pages()[index]
    assert full_path_keeps(body)
    assert screen_passes(body)


def split_by_tags(text: str) -> str:
    """Every word of the query's terms broken by inline markup in its middle: Ro<b>sneft</b>."""

    def split(match: re.Match[str]) -> str:
        word = match.group()
        half = len(word) // 2
        return f"{word[:half]}<b>{word[half:]}</b>"

    return re.sub(r"(?i)\b(Russia|India|Moscow|Delhi|Rosneft|Putin|Modi|Kremlin)\w*", split, text)


def as_entities(text: str) -> str:
    """The same words spelled with numeric character references, one letter in two."""

    def encode(match: re.Match[str]) -> str:
        return "".join(f"&#{ord(c)};" if i % 2 == 0 else c for i, c in enumerate(match.group()))

    return re.sub(r"(?i)\b(Russia|India|Moscow|Delhi|Putin)\w*", encode, text)


HOSTILE = {
    "tags split words": page(split_by_tags(f"<p>{FILLER}</p><p>India and Russia signed a deal with Rosneft.</p>")),
    "entities": page(as_entities(f"<p>{FILLER}</p><p>India and Russia signed a deal in Moscow.</p>")),
    "double-escaped entities": page(f"<p>{FILLER}</p><p>&amp;#73;ndia and &amp;#82;ussia agreed.</p>"),
    "named entities around": page(f"<p>{FILLER}</p><p>&ldquo;India&rdquo;&nbsp;&amp;&nbsp;&laquo;Russia&raquo;</p>"),
    "soft hyphen and zero-width": page(f"<p>{FILLER}</p><p>In\u00addia and Rus\u200bsia, Ros&shy;neft.</p>"),
    "upper case": page(f"<p>{FILLER}</p><p>INDIA AND RUSSIA SIGN A PACT.</p>"),
    "dotted capital I": page(f"<p>{FILLER}</p><p>\u0130NDIA and RUSS\u0130A talk.</p>"),
    "long s": page(f"<p>{FILLER}</p><p>India and Ru\u017f\u017fia talk.</p>"),
    "title only": page(f"<p>{FILLER}</p>", head="<title>India and Russia sign a defence pact</title>"),
    "og:title only": page(
        f"<p>{FILLER}</p>", head='<meta property="og:title" content="India &amp; Russia sign a pact">'
    ),
    "meta description only": page(
        f"<p>{FILLER}</p>", head='<meta name="description" content="India and Russia sign a defence pact">'
    ),
    "JSON-LD headline with escapes": page(
        f"<p>{FILLER}</p>",
        head='<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle",'
        '"headline":"\\u0049ndia and \\u0052ussia sign a pact"}</script>',
    ),
    "JSON-LD body only": (
        '<html><head><script type="application/ld+json">'
        + json.dumps(
            {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": FILLER + "India and Russia."}
        )
        + "</script></head><body><div></div></body></html>"
    ).encode(),
    "RCDATA title with tags": page(f"<p>{FILLER}</p>", head="<title>India <script>x</script> <!--Russia--></title>"),
    "Hindi": page(f"<p>{HINDI}</p>", lang="hi"),
    "Hindi with joiners": page("<p>" + HINDI.replace("भारत", "भा\u200dरत") + "</p>", lang="hi"),
    "Russian": page(f"<p>{RUSSIAN}</p>", lang="ru"),
    "Russian in windows-1251": page(f"<p>{RUSSIAN}</p>", lang="ru")
    .decode()
    .replace('<meta charset="utf-8">', '<meta charset="windows-1251">')
    .encode("cp1251"),
    "words across blocks": page(f"<p>{FILLER}</p><ul><li>India</li><li>Russia</li></ul><p>{FILLER}</p>"),
    "multi-word term across a line break": page(f"<p>{FILLER}</p><p>New<br>Delhi hosted Lavrov.</p>"),
    "a tag ends inside a quoted value": page(f'<p>{FILLER}</p><p><a title="a > b">India</a> and Russia.</p>'),
    "a lone < before the words": page(f"<p>{FILLER}</p><p>if a < b then India and Russia agree</p>"),
    "comment closed at once": page(f"<p>{FILLER}</p><p>x <!-->India and Russia--> y</p>"),
    "script end tag with attributes": page(f"<p>{FILLER}</p><script>x</script foo><p>India and Russia meet.</p>"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_page_the_full_path_keeps_is_turned_away(name: str) -> None:
    body = HOSTILE[name]
    if full_path_keeps(body):
        assert screen_passes(body), name


@pytest.mark.parametrize(
    "name", ["tags split words", "entities", "title only", "JSON-LD headline with escapes", "Hindi", "Russian"]
)
def test_the_hostile_cases_are_kept_by_the_full_path(name: str) -> None:
    # Guards the test above against vacuous passes: these pages do reach the screen's hard side.
    assert full_path_keeps(HOSTILE[name])


OFF_TOPIC = {
    "plain": page(f"<p>{FILLER}</p>"),
    "one group only": page(f"<p>{FILLER}</p><p>India wins the cricket series.</p>"),
    "terms only in a script": page(f"<p>{FILLER}</p><script>var tags = ['India', 'Russia'];</script>"),
    "terms only in a comment": page(f"<p>{FILLER}</p><!-- India Russia -->"),
    "terms only in a style": page(f"<p>{FILLER}</p><style>.India, .Russia {{ color: red }}</style>"),
    "terms inside longer words": page(f"<p>{FILLER} dateModified computing</p><p>Indiana and Prussia.</p>"),
    "terms only in attributes": page(f'<p>{FILLER}</p><a href="/india/russia" class="india russia">more</a>'),
}


@pytest.mark.parametrize("name", sorted(OFF_TOPIC))
def test_markup_without_the_words_is_turned_away(name: str) -> None:
    # Scripts, styles and comments are left out: extraction never reads them, so neither does the screen.
    assert not full_path_keeps(OFF_TOPIC[name])
    assert not screen_passes(OFF_TOPIC[name])


def test_the_reason_names_the_missing_group() -> None:
    assert SCREEN is not None
    verdict = judge_markup(SCREEN, OFF_TOPIC["one group only"])
    assert verdict.decision == "off_topic" and verdict.reason == "page markup mentions none of Russia"


def test_a_term_with_markup_characters_gets_no_screen() -> None:
    query = RelevanceQuery(name="q", groups=(make_group("a", ["AT&T"]),))
    assert markup_screen(query) is None


MUTATIONS = st.sampled_from(["<b>", "</span>", "<!-- c -->", "&shy;", "<br>", "&#8203;", "\u00ad", "<wbr>"])


@st.composite
def mangled_sentence(draw: st.DrawFn) -> str:
    """An on-topic sentence with markup, references or invisible characters dropped between its letters."""
    sentence = draw(st.sampled_from(["India and Russia agreed.", "Modi met Putin in Moscow.", "Россия и Индия."]))
    out = []
    for char in sentence:
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(MUTATIONS))
        out.append(f"&#{ord(char)};" if draw(st.integers(0, 7)) == 0 else html.escape(char))
    return "".join(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled_sentence())
def test_mangled_on_topic_pages_are_never_turned_away(sentence: str) -> None:
    body = page(f"<p>{FILLER}</p><p>{sentence}</p><p>{FILLER}</p>")
    if full_path_keeps(body):
        assert screen_passes(body), sentence
