"""Where an arriving article goes: the group rule for extractors/dedup/story_links.py, pure.

An article `k` with a best match `m` (score at least the link threshold) joins m's story, unless m's own
best match is k. Then k and m form a pair that may be a new event: the first report of an event often lands
in an older story of the same kind, and only the second report shows it was something else. The pair stays
in m's story when its two members still match that story, on average, at least KEEP_SHARE of the scores its
members joined it with (a share, so that the rule holds as scores drift with the size of the index);
otherwise it joins the story it matches best if that agreement reaches GROUP_RATIO of how well the two match
each other; otherwise the pair becomes a story of its own, and m moves to it. So the stories depend on the order the
articles arrived in, not on how they were grouped into batches: the flow places a batch's articles one at a
time, each seeing the stored articles and the batch's earlier ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# Scores are cosine x time factor (extractors/dedup/story_links.py); these were tuned on half the dev topics
# and checked on the other half (docs/dedup-and-stories.md).
LINK_THRESHOLD = 0.10
KEEP_SHARE = 0.65
GROUP_RATIO = 0.7
# Two articles in different languages share no words: their similarity is this share of the cosine of their
# entities, dates and numbers (tuned on bench/stories-xl/dev.jsonl, checked on check.jsonl).
CROSS_LANGUAGE_WEIGHT = 0.5


@dataclass(frozen=True, kw_only=True)
class Placement:
    story: str  # the arriving article's story
    moved_to: str | None = None  # m's new story, when the pair leaves m's story
    agreement: float = 0.0  # the pair's average best score into the story it ended in (or left)


def agreements(
    pair: tuple[str, str], scores: tuple[dict[str, float], dict[str, float]], story_of: Callable[[str], str]
) -> dict[str, float]:
    """For each story either member matches (other than through the pair itself), the average of the two
    members' best scores into it."""
    best: list[dict[str, float]] = [{}, {}]
    for side, member_scores in enumerate(scores):
        for other, score in member_scores.items():
            if other in pair:
                continue
            story = story_of(other)
            best[side][story] = max(best[side].get(story, 0.0), score)
    return {story: (best[0].get(story, 0.0) + best[1].get(story, 0.0)) / 2 for story in {*best[0], *best[1]}}


def place(
    article: str,
    match: str | None,
    article_scores: dict[str, float],
    match_scores: dict[str, float],
    story_of: Callable[[str], str],
    placed_score: Callable[[str], float] = lambda _: 0.0,
) -> Placement:
    """The story of `article` given its best `match` (None: nothing reached the threshold), both articles'
    scores against everything they were compared with, the current story of every other article, and the
    score each placed article joined its story with."""
    if match is None:
        return Placement(story=article)
    home = story_of(match)
    mutual = max(match_scores.items(), key=lambda kv: (kv[1], kv[0]), default=("", 0.0))[0] == article
    if not mutual:
        return Placement(story=home)
    agree = agreements((match, article), (match_scores, article_scores), story_of)
    # how its members joined the story (its opener joined with nothing)
    members = [placed_score(a) for a in {*article_scores, *match_scores} if story_of(a) == home and a != match]
    joined = [score for score in members if score >= LINK_THRESHOLD]
    typical = sum(joined) / len(joined) if joined else 0.0
    if agree.get(home, 0.0) >= KEEP_SHARE * typical or home == match:
        # m opened its story: the pair is that story (its other members followed m there)
        return Placement(story=home, agreement=agree.get(home, 0.0))
    cohesion = (article_scores.get(match, 0.0) + match_scores.get(article, 0.0)) / 2
    target, agreement = max(agree.items(), key=lambda kv: (kv[1], kv[0]), default=(home, 0.0))
    if agreement >= max(LINK_THRESHOLD, GROUP_RATIO * cohesion):
        return Placement(story=target, moved_to=None if target == home else target, agreement=agreement)
    return Placement(story=match, moved_to=match, agreement=agree.get(home, 0.0))
