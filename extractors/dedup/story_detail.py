"""The stored verdicts of the same-story stage (`article_stories` rows): kind, score, match and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from extractors.dedup.story_evidence import is_evidence
from extractors.dedup.story_groups import CROSS_LANGUAGE_WEIGHT, LINK_THRESHOLD, Placement
from extractors.records import ProcessedArticle, StoryLink

SHARED_SHOWN = 8


@dataclass(frozen=True, kw_only=True)
class Match:
    other: str
    similarity: float  # the cosine, or the cross-language share of the evidence cosine
    decay: float
    cross_language: bool

    @property
    def score(self) -> float:
        return self.similarity * self.decay


def shared_terms(query: dict[str, float], other_terms: tuple[tuple[str, float], ...], cross_language: bool) -> str:
    """The terms both articles hold, heaviest in the query first (only the evidence across languages)."""
    theirs = {term for term, _ in other_terms}
    shared = sorted(
        (t for t in query if t in theirs and (is_evidence(t) or not cross_language)), key=lambda t: (-query[t], t)
    )
    return ", ".join(shared[:SHARED_SHOWN])


def _why(match: Match, query: dict[str, float], other_terms: tuple[tuple[str, float], ...]) -> str:
    if match.cross_language:
        how = (
            f"cross-language: entities, dates and numbers cosine {match.similarity / CROSS_LANGUAGE_WEIGHT:.3f}"
            f" x {CROSS_LANGUAGE_WEIGHT}"
        )
    else:
        how = f"tf-idf cosine {match.similarity:.3f} (title, body, names, entities)"
    shared = shared_terms(query, other_terms, match.cross_language)
    return f"{how} x time {match.decay:.2f} = {match.score:.3f}; shared: {shared}"


def story_link(
    article_id: str,
    placement: Placement,
    best: Match | None,
    in_story: Match | None,
    query: dict[str, float],
    terms_of: Callable[[str], tuple[tuple[str, float], ...]],
    indexed: tuple[tuple[str, float], ...],
    vocabulary: tuple[str, ...],
) -> StoryLink:
    """The verdict of an article placed in `placement.story`: `best` is its best match overall, `in_story`
    its best match among the story's articles (None when it opened the story)."""
    if placement.story != article_id:
        match = in_story
        if match is None:
            detail = "joins the story of its best match, which left for it; no other member shares its terms"
        else:
            detail = _why(match, query, terms_of(match.other))
            if match.score < LINK_THRESHOLD:
                detail += f" (< {LINK_THRESHOLD}: joined with its best match {best.other[:12] if best else ''})"
        if placement.moved_to is not None:
            taken = best.other[:12] if best else ""
            detail += f"; took {taken} along, out of a story the two matched at {placement.agreement:.3f}"
        return StoryLink(
            article_id=article_id,
            story_id=placement.story,
            kind="story",
            score=round(match.score, 4) if match is not None else 0.0,
            matched_article_id=match.other if match is not None else None,
            detail=detail,
            indexed_terms=indexed,
            vocabulary=vocabulary,
        )
    if best is None:
        why = "no article within the window shares its terms"
    elif best.score < LINK_THRESHOLD:
        why = f"no article scored >= {LINK_THRESHOLD}; best was {best.score:.3f} with {best.other[:12]}"
    else:
        why = f"first of its event; best match {best.other[:12]} at {best.score:.3f} stays in its story"
    return StoryLink(
        article_id=article_id,
        story_id=article_id,
        kind="new",
        score=round(best.score, 4) if best is not None else 0.0,
        matched_article_id=None,
        detail=f"opens a story: {why}",
        indexed_terms=indexed,
        vocabulary=vocabulary,
    )


def moved_link(link: StoryLink, story_id: str, by: str, left: str, agreement: float) -> StoryLink:
    """`link` (an article placed earlier) rewritten for its move to `story_id` with the article `by`."""
    opens = story_id == link.article_id
    return StoryLink(
        article_id=link.article_id,
        story_id=story_id,
        kind="new" if opens else "story",
        score=link.score,
        matched_article_id=None if opens else by,
        detail=(
            f"moved out of story {left[:12]} with {by[:12]}, whose best match it is"
            f" (the pair matched that story at {agreement:.3f}): "
            + ("they open a story of their own" if opens else "they join another story")
        ),
        indexed_terms=link.indexed_terms,
        vocabulary=link.vocabulary,
    )


def copy_link(item: ProcessedArticle, story_of: Callable[[str], str]) -> StoryLink:
    assert item.duplicate is not None
    matched = item.duplicate.matched_article_id
    return StoryLink(
        article_id=item.article.article_id,
        story_id=story_of(matched),
        kind=item.duplicate.kind,
        score=item.duplicate.score,
        matched_article_id=matched,
        detail=f"{item.duplicate.kind} duplicate: shares the story of the article it copies",
    )
