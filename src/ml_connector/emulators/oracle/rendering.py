"""Items and collections as the ADF REST runtime writes them: links, `fields`, `expand`, `onlyData`, paging.

- Items carry `links` (`self`, `canonical`, one `child` per accessor); `onlyData=true` drops every link.
- `fields` picks attributes per accessor path and wins over `expand`; an empty list means links only.
- Expanded children are bare arrays under framework versions 1-2 and collection objects (with their
  own `count`, `hasMore`, `limit`, `offset`) from version 3, capped at the default page of 25.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from ml_connector.emulators.oracle.exceptions import bad_request
from ml_connector.emulators.oracle.resources import Item, ResourceSpec

DEFAULT_LIMIT = 25


def json_value(value: Any) -> Any:
    """A stored value as JSON: timestamps ISO 8601 with milliseconds and offset, dates `YYYY-MM-DD`."""
    if isinstance(value, datetime):
        # ASSUMPTION: Fusion writes timestamps with milliseconds and a numeric offset, in UTC here.
        utc = value.astimezone(UTC)
        return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}+00:00"
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class View:
    """How the caller asked to see resources: from the query string and `REST-Framework-Version`."""

    framework: int = 1
    only_data: bool = False
    fields: dict[str, list[str]] | None = None  # accessor path ("" = this resource) -> attributes
    expand: set[str] = field(default_factory=set)


def parse_fields(spec: ResourceSpec, text: str) -> dict[str, list[str]]:
    """`A,B;child:C;child.grand:D` -> {"": [A, B], "child": [C], "child.grand": [D]}; parents implied."""
    out: dict[str, list[str]] = {}
    for part in text.split(";"):
        path, _, attrs = part.rpartition(":")
        target = _descend(spec, path) if path else spec
        names = [a.strip() for a in attrs.split(",") if a.strip()]
        for name in names:
            if name not in target.attrs:
                # ASSUMPTION: an unknown attribute in fields answers 400, like an unknown attribute in q (documented
                # as 400).
                raise bad_request(f"URL request parameter fields with value '{text}' is invalid.")
        out.setdefault(path, []).extend(names)
        while "." in path:
            path = path.rsplit(".", 1)[0]
            out.setdefault(path, [])
        if path:
            out.setdefault("", [])
    return out


def parse_expand(spec: ResourceSpec, text: str) -> set[str]:
    """`all` or `a,a.b`; missing parents are implied."""
    if text.strip() == "all":
        return {c.name for c in spec.children}
    out: set[str] = set()
    for path in filter(None, (p.strip() for p in text.split(","))):
        _descend(spec, path)
        parts = path.split(".")
        out.update(".".join(parts[: i + 1]) for i in range(len(parts)))
    return out


def _descend(spec: ResourceSpec, path: str) -> ResourceSpec:
    current = spec
    for name in path.split("."):
        child = current.child(name)
        if child is None:
            # ASSUMPTION: an unknown accessor in expand/fields answers 400 with this wording (undocumented).
            raise bad_request(f"The child {name} is not found in the resource {current.name}.")
        current = child
    return current


def _link(rel: str, href: str, name: str, kind: str, item: Item | None = None) -> dict[str, Any]:
    link: dict[str, Any] = {"rel": rel, "href": href, "name": name, "kind": kind}
    if item is not None and rel == "self":
        link["properties"] = {"changeIndicator": item.change_indicator}
    return link


def render_item(item: Item, href: str, view: View, path: str = "") -> dict[str, Any]:
    """One item; `href` is its own URL, `path` its accessor path from the requested resource."""
    spec = item.spec
    if view.fields is not None:
        names = view.fields.get(path, [])
    else:
        names = list(spec.attrs)
    out: dict[str, Any] = {name: json_value(item.data.get(name)) for name in names}
    for child in spec.children:
        child_path = f"{path}.{child.name}" if path else child.name
        wanted = child_path in view.fields if view.fields is not None else child_path in view.expand
        if wanted:
            child_href = f"{href}/child/{child.name}"
            rows = item.child_items(child.name)
            # ASSUMPTION: a nested collection (framework >= 3) holds the first default page of 25 rows.
            if view.framework >= 3:
                out[child.name] = render_collection(rows, child_href, view, DEFAULT_LIMIT, 0, child_path)
            else:
                out[child.name] = [render_item(r, f"{child_href}/{r.key}", view, child_path) for r in rows]
    if not view.only_data:
        # ASSUMPTION: the canonical link repeats the self URL (the notes call exact link contents inferred).
        links = [_link("self", href, spec.name, "item", item), _link("canonical", href, spec.name, "item")]
        links += [_link("child", f"{href}/child/{c.name}", c.name, "collection") for c in spec.children]
        out["links"] = links
    return out


@dataclass
class PagingQuirks:
    """Admin-set misbehaviour of `hasMore` and the limit cap, to test clients against Oracle's bugs.

    `has_more`: `normal`; `true_on_last_page` (a short, non-empty last page still says `hasMore: true`);
    `false_when_full` (a full page says `hasMore: false` although more rows exist).
    """

    has_more: str = "normal"
    # ASSUMPTION: docs disagree on the cap (499 on the HCM page, 500 on the Supplier Model page); 500 by default,
    # settable to 499.
    limit_cap: int = 500


def render_collection(
    rows: list[Item],
    href: str,
    view: View,
    limit: int,
    offset: int,
    path: str = "",
    *,
    total_results: bool = False,
    quirks: PagingQuirks | None = None,
) -> dict[str, Any]:
    """One page of `rows` with `items`, `count`, `hasMore`, `limit`, `offset`, `links` (+`totalResults`)."""
    page = rows[offset : offset + limit]
    has_more = offset + len(page) < len(rows)
    if quirks is not None and page:
        if quirks.has_more == "true_on_last_page" and not has_more:
            has_more = True
        elif quirks.has_more == "false_when_full" and has_more and len(page) == limit:
            has_more = False
    out: dict[str, Any] = {"items": [render_item(r, f"{href}/{r.key}", view, path) for r in page]}
    if total_results:
        out["totalResults"] = len(rows)
    out.update({"count": len(page), "hasMore": has_more, "limit": limit, "offset": offset})
    if not view.only_data:
        name = href.rsplit("/", 1)[-1]
        # ASSUMPTION: collections carry only a self link (next/prev links are not documented for Fusion).
        out["links"] = [_link("self", href, name, "collection")]
    return out
