"""Property tests: parsers and cleaners fail only with their documented errors, whatever the input."""

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from extractors.article.extract import ExtractionError, extract_article
from extractors.article.seed_text import clean_seed_text
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


@FUZZ
@given(st.text(max_size=3000))
def test_seed_cleaner_never_raises(raw: str) -> None:
    title, _, _, _, body = clean_seed_text(raw)
    assert isinstance(title, str) and isinstance(body, str)


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
