"""Stories of one batch from each article's best match: pure graph steps for extractors/dedup/story_links.py.

`edges[n]` is batch article n's best match above the threshold: another batch position, a stored
article id, or None. `scores[n]` holds n's scores against every stored and batch article it shares
terms with. `story_of` maps stored articles to their stories.
"""

from __future__ import annotations


def resolve_stories(edges: list[int | str | None], ids: list[str], story_of: dict[str, str]) -> list[str]:
    """Follow each article's best match (a batch position, a stored article, or none) to a story.
    A chain ends at a stored article (its story), at an article without a match (it opens the story),
    or in a loop of batch articles that match each other; the earliest article of a new story opens it."""
    story: list[str | None] = [None] * len(edges)
    for start in range(len(edges)):
        path: list[int] = []
        node: int | str | None = start
        while isinstance(node, int) and story[node] is None and node not in path:
            path.append(node)
            node = edges[node]
        if isinstance(node, str):
            found = story_of.get(node, node)
        elif node is None:
            found = ids[path[-1]]
        elif story[node] is not None:
            found = story[node] or ""
        else:
            found = ids[min(path[path.index(node) :])]
        for position in path:
            story[position] = found
    # A new story is named after its earliest article, whichever article its chain ended at.
    first: dict[str, str] = {}
    for n, s in enumerate(story):
        if s in ids:
            first.setdefault(s, ids[n])
    return [first.get(s or "", s or "") for s in story]


def join_groups(
    stories: list[str],
    ids: list[str],
    scores: list[dict[str, float]],
    story_of: dict[str, str],
    threshold: float,
    ratio: float,
) -> list[str]:
    """Attach the batch's new stories to a stored or earlier one when their members agree with it.
    A group of articles that match each other joins another story only if its members match that
    story, on average, about as well as they match each other: a same-kind event reported in the
    batch by several outlets stays apart from the older story it resembles."""
    member_of = dict(zip(ids, stories, strict=True))

    def story(article_id: str) -> str:
        return member_of.get(article_id) or story_of.get(article_id, article_id)

    opened = [s for n, s in enumerate(stories) if s == ids[n]]
    for group in opened:
        members = [n for n, s in enumerate(stories) if s == group]
        best_in: dict[str, list[float]] = {}
        cohesion: list[float] = []
        for n in members:
            per_story: dict[str, float] = {}
            inner = 0.0
            for other, score in scores[n].items():
                target = story(other)
                if target == group:
                    inner = max(inner, score)
                else:
                    per_story[target] = max(per_story.get(target, 0.0), score)
            cohesion.append(inner)
            for target, score in per_story.items():
                best_in.setdefault(target, []).append(score)
        if not best_in:
            continue
        target, agreement = max(((t, sum(v) / len(members)) for t, v in best_in.items()), key=lambda kv: (kv[1], kv[0]))
        cohesive = ratio * sum(cohesion) / len(members)
        needed = threshold if len(members) == 1 else max(threshold, cohesive)
        if agreement >= needed:
            for n in members:
                stories[n] = target
                member_of[ids[n]] = target
    return stories
