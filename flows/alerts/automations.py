"""`newswatch watch notify NAME --block BLOCK`: a Prefect automation that sends each `newswatch.watch.hit`
event of one watch through a notification block (Slack, email, a custom webhook; docs/alerts.md).

The automation lives on the Prefect server and acts there: notifications go out while that server runs
(`make serve`) when a run sends it a hit. Creating it again for the same watch replaces it.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import httpx
from prefect import get_client
from prefect.client.schemas.objects import BlockDocument
from prefect.events.actions import SendNotification
from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError

from flows.alerts.events import WATCH_HIT, watch_resource_id

SUBJECT = "newswatch {{ event.resource.name }}: {{ event.payload.headline }}"
BODY = (
    "{{ event.payload.headline }}\n"
    "{{ event.payload.link or '(no web link)' }}\n"
    "Outlets: {{ event.payload.outlets | join(', ') }}\n"
    "Topics: {{ event.payload.topics | join(', ') }}\n"
    "Watch {{ event.resource.name }} ({{ event.payload.query }}): {{ event.payload.reason }}"
    "{% if event.payload.new_outlets %} ({{ event.payload.new_outlets | join(', ') }}){% endif %}"
)


BLOCKS_LISTED = 200  # the server's largest page


class NotifyError(ValueError):
    """The block cannot be used: none of that name, several, or not a notification block. One line."""


def automation_name(watch: str) -> str:
    return f"newswatch watch {watch}"


def _block_label(doc: BlockDocument) -> str:
    slug = doc.block_type.slug if doc.block_type else "?"
    return f"{slug}/{doc.name}"


def find_block(block: str) -> BlockDocument:
    """A block document by `TYPE-SLUG/NAME` (as `Block.load` takes it) or by its name alone."""
    with get_client(sync_client=True) as client:
        if "/" in block:
            slug, name = block.split("/", 1)
            try:
                doc = client.read_block_document_by_name(name=name, block_type_slug=slug, include_secrets=False)
            except ObjectNotFound:
                raise NotifyError(f"no block {block!r} on the Prefect server") from None
        else:
            # The client sends a missing limit as null, which the server refuses: give both.
            documents = client.read_block_documents(offset=0, limit=BLOCKS_LISTED, include_secrets=False)
            found = [d for d in documents if d.name == block]
            if not found:
                raise NotifyError(f"no block named {block!r} on the Prefect server")
            if len(found) > 1:
                names = ", ".join(sorted(_block_label(d) for d in found))
                raise NotifyError(f"several blocks are named {block!r} ({names}): name one as TYPE/NAME")
            doc = found[0]
    capabilities = doc.block_schema.capabilities if doc.block_schema else []
    if "notify" not in capabilities:
        raise NotifyError(
            f"block {_block_label(doc)} cannot send notifications; use a notification block"
            " (slack-webhook, custom-webhook, sendgrid-email, ...)"
        )
    return doc


def watch_automation(watch: str, block_id: UUID) -> AutomationCore:
    return AutomationCore(
        name=automation_name(watch),
        description=f"Sends each newswatch hit of the watch {watch!r} through a notification block.",
        trigger=EventTrigger(
            expect={WATCH_HIT},
            match={"prefect.resource.id": watch_resource_id(watch)},
            posture=Posture.Reactive,
            threshold=1,
            within=timedelta(0),
        ),
        actions=[SendNotification(block_document_id=block_id, subject=SUBJECT, body=BODY)],
    )


def notify_through(watch: str, block: str) -> tuple[UUID, str]:
    """Create (or replace) the watch's automation; returns its id and the block as TYPE/NAME."""
    try:
        return _notify_through(watch, block)
    except (PrefectHTTPStatusError, httpx.HTTPError) as exc:
        raise NotifyError(f"the Prefect server refused or did not answer: {str(exc).splitlines()[0]}") from None


def _notify_through(watch: str, block: str) -> tuple[UUID, str]:
    doc = find_block(block)
    automation = watch_automation(watch, doc.id)
    with get_client(sync_client=True) as client:
        existing = client.read_automations_by_name(automation_name(watch))
        if existing:
            client.update_automation(existing[0].id, automation)
            for extra in existing[1:]:
                client.delete_automation(extra.id)
            return existing[0].id, _block_label(doc)
        return client.create_automation(automation), _block_label(doc)


def drop_automations(watch: str) -> int:
    """Delete the watch's automations (a removed watch's would wait for hits that never come); how many went."""
    try:
        with get_client(sync_client=True) as client:
            existing = client.read_automations_by_name(automation_name(watch))
            for automation in existing:
                client.delete_automation(automation.id)
    except (PrefectHTTPStatusError, httpx.HTTPError) as exc:
        raise NotifyError(f"the Prefect server refused or did not answer: {str(exc).splitlines()[0]}") from None
    return len(existing)
