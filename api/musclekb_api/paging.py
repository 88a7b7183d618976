"""Links between the pages of a list (RFC 8288 ``Link`` header), beside ``total``, ``limit`` and
``offset`` in the body: generic HTTP clients follow ``rel="next"`` without knowing the fields.

Each link is the request's own address with ``offset`` set, every other parameter kept as sent.
"""

from __future__ import annotations

from starlette.datastructures import URL

__all__ = ["page_links"]


def page_links(url: URL, offset: int, limit: int, total: int) -> str | None:
    """The ``Link`` value for the page of ``limit`` items from ``offset`` out of ``total``:
    ``first`` and ``last`` always, ``prev`` and ``next`` when there are such pages; ``None``
    when the list is empty (or a page holds nothing)."""
    if total <= 0 or limit <= 0:
        return None
    last = (total - 1) // limit * limit
    pages = [("first", 0)]
    if offset > 0:
        pages.append(("prev", max(0, min(offset - limit, last))))
    if offset + limit < total:
        pages.append(("next", offset + limit))
    pages.append(("last", last))
    return ", ".join(f'<{url.include_query_params(offset=at)}>; rel="{rel}"' for rel, at in pages)
