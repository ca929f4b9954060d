"""Property tests: parsers fail only with their documented errors, whatever the input, and the seed cleaner
keeps the input's lines in order, dropping only blanks, furniture and the header it reads."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors.article.extract import ExtractionError, extract_article
from extractors.article.seed_text import (
    DATE_LINE,
    FURNITURE_LINE_PATTERNS,
    INLINE_FURNITURE,
    PAGE_STAMP,
    clean_seed_text,
)
from extractors.records import FeedEntry, FetchedPage
from extractors.sources.feeds import FeedParseError, parse_feed

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

FEED_BITS = st.sampled_from(
    [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="koi8-r"?>',
        '<rss version="2.0">',
        "<channel>",
        "<item>",
        "<title>Индия и Россия</title>",
        "<link>http://127.0.0.1/a</link>",
        "<pubDate>Tue, 02 Dec 2025 10:00:00 +0530</pubDate>",
        "<pubDate>not a date</pubDate>",
        "</item>",
        "</channel></rss>",
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        '<entry><link href="http://127.0.0.1/b"/></entry>',
        "</feed>",
        "<![CDATA[",
        "&bogus;",
        "\x00",
        "<",
    ]
)

HTML_BITS = st.sampled_from(
    [
        "<html>",
        '<html lang="hi">',
        '<meta charset="koi8-r">',
        "<body>",
        "<article>",
        "<p>",
        "India and Russia agreed on joint production of spare parts. ",
        "भारत और रूस ने रक्षा सहयोग पर चर्चा की। ",
        "<div>" * 50,
        "</div>",
        "<script>var x = '</p>';</script>",
        "<!--",
        "</p>",
        "</article></body></html>",
        "\ufeff",
        "\x00",
    ]
)


@FUZZ
@given(st.one_of(st.binary(max_size=2000), st.lists(FEED_BITS, max_size=40).map(lambda xs: "".join(xs).encode())))
def test_parse_feed_raises_only_feed_parse_error(body: bytes) -> None:
    try:
        entries, _ = parse_feed(body, source="fuzz")
    except FeedParseError:
        return
    assert all(e.link for e in entries)


# Lines of the kinds a saved seed page holds: the three header forms, a byline, furniture, paragraphs, blanks.
SEED_LINES = st.sampled_from(
    [
        "date 2025-12-02 By Ayushi Agarwal",
        " date 2025-12-05 New Delhi [India], December 5 (ANI)",
        "Wednesday, December 24, 2025 | 08:53 AM IST",
        "First Published: Dec 05 2025 | 8:53 PM IST",
        "India seen as 'reorienting' bilateral defence relations with Russia",
        "Satarupa Bhattacharjya New Delhi",
        "Notification Icon",
        "Listen to This Article",
        "Read more: India and Russia sign a deal",
        "Advertisement",
        "Russian President Putin, PM Modi | Image: DD News",
        "हिंदी में पढ़ें",
        "भारत और रूस हिंदी में पढ़ें",
        "The joint statement released by the Indian government on Friday said the two sides would expand"
        " cooperation in defence production, energy and trade over the coming decade.",
        "Russia\u00a0and India agreed on joint production of spare parts for Russian-made weapons.",
        "",
        "   ",
        "\r",
    ]
)


def _normalised(raw: str) -> str:
    """The input as the cleaner reads it: Unix line ends, no-break spaces as spaces, inline furniture gone."""
    return INLINE_FURNITURE.sub("", raw.replace("\r\n", "\n").replace("\u00a0", " "))


def _in_order(pieces: list[str], text: str) -> bool:
    position = 0
    for piece in pieces:
        found = text.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _furniture(line: str) -> bool:
    return any(p.match(line) for p in FURNITURE_LINE_PATTERNS)


@FUZZ
@given(st.one_of(st.text(max_size=3000), st.lists(SEED_LINES, max_size=30).map("\n".join)))
# Header and footer forms whose date is none (strptime raised on these)
@example(raw="Wednesday, December 1, 0000|0:00AMAA")
@example(raw="Wednesday, Aa 0, 0000 | 0:00 AM IST")
@example(raw="date 2025-13-45 New Delhi")
@example(raw="Body.\nFirst Published: Abc 99 2025 | 8:53 PM IST")
def test_seed_cleaner_keeps_input_lines_in_order_and_drops_only_blanks_and_furniture(raw: str) -> None:
    title, author, _, _, body = clean_seed_text(raw)
    text = _normalised(raw)
    paragraphs = body.split("\n\n") if body else []
    # Nothing is made up or reordered: the title and each body paragraph are (parts of) input lines, in order.
    assert _in_order([title, *paragraphs] if title else paragraphs, text)
    for line in [title, *paragraphs] if title else paragraphs:
        assert line and line == line.strip() and "\n" not in line, line
        assert not _furniture(line), line
    assert author is None or author in text
    # With no header form to read, cleaning only drops blank and furniture lines: every other line is kept.
    lines = [line.strip() for line in text.split("\n")]
    header = next((line for line in lines if line), "")
    if not DATE_LINE.match(header) and not PAGE_STAMP.match(header):
        assert title == "" and author is None
        assert paragraphs == [line for line in lines if line and not _furniture(line)]


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4000),
        st.lists(HTML_BITS, max_size=80).map(lambda xs: "".join(xs).encode("utf-8", "surrogatepass")),
    )
)
@example(html=b"<body><html><script>")  # htmldate asserted on this tree
def test_extraction_raises_only_extraction_error(html: bytes) -> None:
    page = FetchedPage(
        entry=FeedEntry(source="fuzz", link="http://127.0.0.1/p"),
        canonical_url="http://127.0.0.1/p",
        final_url="http://127.0.0.1/p",
        status=200,
        html=html,
    )
    try:
        article = extract_article(page)
    except ExtractionError:
        return
    assert article.text
