"""Every source kind through the ingest flow, served from 127.0.0.1: RSS, Atom, Google News, sitemaps, GDELT."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.support.helpers import gnews_id
from warehouse import db

INDIA_RUSSIA = (
    "New Delhi and Moscow agreed on Tuesday to expand defence production, officials said. India and Russia will "
    "set up joint ventures for spare parts, and the Indian defence ministry said talks on payment in rupees and "
    "roubles would continue next month. Russian officials called the partnership strategic and long-standing."
)
UKRAINE = (
    "Russian forces struck power plants across Ukraine overnight, officials in Kyiv said. Air defence units shot "
    "down most of the drones, but several regions lost electricity. The strikes came a day after talks in Geneva "
    "ended without agreement, and European ministers promised more air defence systems within weeks."
)
HINDI = (
    "नई दिल्ली में भारत और रूस के अधिकारियों ने तेल आपूर्ति और भुगतान व्यवस्था पर बातचीत की। दोनों देशों ने कहा कि "
    "रक्षा और ऊर्जा सहयोग आगे बढ़ेगा और अगले महीने फिर से बैठक होगी। रूसी पक्ष ने व्यापार संतुलन का मुद्दा उठाया और "
    "भारतीय पक्ष ने डिलीवरी कार्यक्रम पर चर्चा की। अधिकारियों ने कहा कि साझेदारी रणनीतिक बनी रहेगी।"
)


def page(title: str, text: str, *, lang: str | None = "en", canonical: str | None = None) -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (
        f"<html{lang_attr}><head><title>{title}</title>{link}</head><body><article><h1>{title}</h1>"
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    )


def rss(items: list[tuple[str, str]], extra: str = "") -> str:
    body = "".join(f"<item><title>{t}</title><link>{u}</link>{extra}</item>" for t, u in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{body}</channel></rss>'


@pytest.fixture
def site(httpserver: HTTPServer, tmp_path: Path) -> Path:
    u = httpserver.url_for
    html = "text/html; charset=utf-8"
    httpserver.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    httpserver.expect_request("/a/defence").respond_with_data(page("Defence deal", INDIA_RUSSIA), content_type=html)
    httpserver.expect_request("/a/ukraine").respond_with_data(page("Strikes", UKRAINE), content_type=html)
    httpserver.expect_request("/a/oil").respond_with_data(page("भारत रूस तेल", HINDI, lang=None), content_type=html)
    httpserver.expect_request("/a/moved").respond_with_data(
        "", status=301, headers={"Location": u("/a/landed?utm_source=rss")}
    )
    httpserver.expect_request("/a/landed").respond_with_data(
        page("Trade talks", INDIA_RUSSIA.replace("defence", "trade"), canonical=u("/a/trade-talks")),
        content_type=html,
    )
    for name in ("gn", "sm", "gd"):
        httpserver.expect_request(f"/a/{name}").respond_with_data(
            page(f"Story {name}", INDIA_RUSSIA.replace("Tuesday", f"Tuesday ({name})")), content_type=html
        )
    httpserver.expect_request("/private/secret").respond_with_data(page("Secret", INDIA_RUSSIA), content_type=html)
    httpserver.expect_request("/rss.xml").respond_with_data(
        rss(
            [
                ("Russia reaffirms defence partnership with India", u("/a/defence?utm_campaign=feed")),
                ("Russian strikes on Ukraine", u("/a/ukraine")),
                ("Cricket: Mumbai win the final", u("/a/cricket")),
                ("India and Russia open trade talks", u("/a/moved")),
                ("India and Russia: the private page", u("/private/secret")),
                ("India, Russia and an outside link", "https://www.example.com/india-russia"),
            ]
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/atom.xml").respond_with_data(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>a</title>'
        f'<entry><title>भारत और रूस के बीच तेल पर बात</title><link href="{u("/a/oil")}"/><id>urn:oil</id>'
        "<updated>2025-12-02T10:00:00Z</updated></entry></feed>",
        content_type="application/atom+xml",
    )
    gn_link = f"https://news.google.com/rss/articles/{gnews_id(u('/a/gn'))}?oc=5"
    httpserver.expect_request("/gn.xml").respond_with_data(
        rss([("India, Russia sign deal - The Local Times", gn_link)], extra="<source url='x'>The Local Times</source>"),
        content_type="application/rss+xml",
    )
    now = datetime.now(UTC)
    httpserver.expect_request("/sitemap-index.xml").respond_with_data(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{u('/news-sitemap.xml')}</loc><lastmod>{now.isoformat()}</lastmod></sitemap></sitemapindex>",
        content_type="application/xml",
    )
    httpserver.expect_request("/news-sitemap.xml").respond_with_data(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        f"<url><loc>{u('/a/sm')}</loc><news:news><news:publication><news:name>Local</news:name></news:publication>"
        f"<news:publication_date>{now.isoformat()}</news:publication_date>"
        "<news:title>India and Russia extend oil deal</news:title></news:news></url>"
        f"<url><loc>{u('/a/stale')}</loc><lastmod>{(now - timedelta(days=30)).isoformat()}</lastmod></url></urlset>",
        content_type="application/xml",
    )

    def gdelt(request: Request) -> Response:
        args = parse_qs(request.query_string.decode())
        start = datetime.strptime(args["startdatetime"][0], "%Y%m%d%H%M%S")
        end = datetime.strptime(args["enddatetime"][0], "%Y%m%d%H%M%S")
        assert args["maxrecords"] == ["250"] and args["query"] == ["India Russia"]
        if end - start > timedelta(hours=3):  # pretend wide windows overflow the 250-record cap
            rows = [{"url": f"https://overflow.example/{i}", "title": "x"} for i in range(250)]
        elif end >= datetime.now(UTC).replace(tzinfo=None) - timedelta(minutes=5):
            rows = [
                {"url": u("/a/gd"), "title": "India Russia story", "domain": "local", "seendate": "20251202T100000Z"}
            ]
        else:
            rows = []
        return Response(json.dumps({"articles": rows}), content_type="application/json")

    httpserver.expect_request("/gdelt").respond_with_handler(gdelt)
    path = tmp_path / "feeds.toml"
    kinds = [
        ("RSS", "rss", "/rss.xml"),
        ("Atom", "atom", "/atom.xml"),
        ("GN", "google_news", "/gn.xml"),
        ("Sitemap", "sitemap", "/sitemap-index.xml"),
        ("GDELT", "gdelt", "/gdelt?query=India%20Russia"),
    ]
    path.write_text(
        "\n".join(f'[[source]]\nname = "{n}"\nkind = "{k}"\nurl = "{u(p)}"\n' for n, k, p in kinds), encoding="utf-8"
    )
    return path


def test_every_source_kind_end_to_end(prefect_harness: None, site: Path, db_path: Path, httpserver: HTTPServer) -> None:
    from flows.ingest.flow import ingest

    u = httpserver.url_for
    first = ingest(db_path=str(db_path), feeds_file=str(site), capture=False)
    assert first.feeds == {"parsed": 5} and first.sources_failing == 0
    con = db.connect(db_path)
    articles = dict(con.execute("SELECT url, source FROM articles WHERE NOT is_seed").fetchall())
    assert articles == {
        u("/a/defence"): "RSS",
        u("/a/trade-talks"): "RSS",  # redirect, then rel=canonical on the same site
        u("/a/oil"): "Atom",
        u("/a/gn"): "GN",
        u("/a/sm"): "Sitemap",
        u("/a/gd"): "GDELT",
    }
    aliases = {r[0] for r in con.execute("SELECT alias_url FROM article_aliases").fetchall()}
    assert {u("/a/moved"), u("/a/landed"), u("/a/trade-talks")} <= aliases
    (oil_language,) = con.execute("SELECT language FROM articles WHERE url = ?", [u("/a/oil")]).fetchone()
    assert oil_language == "hi"
    skipped = dict(con.execute("SELECT url, stage || ': ' || reason FROM skipped_entries").fetchall())
    assert skipped == {
        u("/a/cricket"): "entry: title and summary mention none of India, Russia",
        u("/a/ukraine"): "fulltext: title and full text mention Russia but not India",
    }
    refused = dict(
        con.execute("SELECT url, error FROM fetch_events WHERE target = 'page' AND error IS NOT NULL").fetchall()
    )
    assert "RefusedHost: loopback-only mode refuses www.example.com" in refused["https://www.example.com/india-russia"]
    assert "robots.txt disallows /private/secret" in refused[u("/private/secret")]
    gdelt_calls = con.execute("SELECT url FROM fetch_events WHERE target = 'gdelt'").fetchall()
    assert len(gdelt_calls) == 4 + 8  # four 6-hour windows overflow and are each split in two
    (sitemap_children,) = con.execute("SELECT count(*) FROM fetch_events WHERE target = 'sitemap'").fetchone()
    assert sitemap_children == 1
    con.close()

    second = ingest(db_path=str(db_path), feeds_file=str(site), capture=False)
    assert second.feeds == {"unchanged": 4, "parsed": 1}  # GDELT is a query: asked again from the last success
    assert second.new_articles == 0 and second.fetched == 0
