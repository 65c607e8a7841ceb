"""Reader comments of a web page, with their thread structure, found in the HTML itself.

trafilatura separates comments from the main text but flattens them into paragraphs, so
authors, times and who-replies-to-whom are read here from common markup: WordPress
(``li.comment`` > ``article.comment-body``, replies in ``ol.children``), Drupal
(``article.comment``, replies in a following ``div.indented``), Disqus-like layouts
(``li.post`` in ``#disqus_thread``) and schema.org microdata (``itemtype=.../Comment``,
``itemprop=author/dateCreated/text``). The elements found are then removed from the tree
so that no comment text can leak into the article's main text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml.html import HtmlElement

from sourcecheck.model import Comment

# Whole comment sections: removed from the main text as a unit (heading, form and all).
_REGION = re.compile(
    r"^(?:comments|comment-?list|comments-?list|comments?-area|comments?-section|"
    r"comments?-thread|comments?-wrapper|comments?-container|disqus_thread|"
    r"commentlist|comments?-block|respond|kommentarer)$",
    re.IGNORECASE,
)
# One comment.
_ITEM_CLASS = re.compile(
    r"^(?:comment|comment-?item|comment-?entry|single-comment|commentlist-item|"
    r"comment-?node|js-comment|user-comment|kommentar)$",
    re.IGNORECASE,
)
_ITEM_ID = re.compile(r"^(?:li-|div-)?comment-?\d+$|^c\d+$", re.IGNORECASE)
# A comment's body: an item only where no item encloses it.
_BODY_CLASS = re.compile(
    r"^comment-?(?:body|content|text|wrap|container)$|^comment_(?:body|content|text)$",
    re.IGNORECASE,
)
# Containers of replies: a comment inside one (below another comment) answers that one.
_REPLIES = re.compile(
    r"^(?:children|replies|comment-?replies|reply-?list|sub-?comments?|indented|"
    r"comment-?children|child-?comments|thread-?children|svar)$",
    re.IGNORECASE,
)
_AUTHOR_CLASS = re.compile(r"author|^fn$|user-?name|^name$|commenter|byline", re.IGNORECASE)
_TIME_CLASS = re.compile(
    r"(?:^|[-_])(?:date|datetime|time|timestamp|published|posted|ago)(?:$|[-_])", re.IGNORECASE
)
_TEXT_CLASSES = (
    re.compile(r"content", re.IGNORECASE),
    re.compile(r"text|message", re.IGNORECASE),
    re.compile(r"body", re.IGNORECASE),
)
# Chrome around a comment's words: reply links, vote buttons, avatars, metadata.
_CHROME_CLASS = re.compile(
    r"reply|meta|actions?|footer|vote|like|share|avatar|report|edit-link|permalink|"
    r"says|toolbar|button|svara|anmäl",
    re.IGNORECASE,
)
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "form", "button", "img", "svg", "input",
     "textarea", "select", "iframe"}
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {"p", "div", "li", "blockquote", "pre", "section", "article", "ul", "ol", "h1", "h2",
     "h3", "h4", "h5", "h6", "table", "tr", "dd", "dt", "header", "footer"}
)  # fmt: skip
# Elements that can hold a whole comment (a <p class="comment"> is an aside in the text).
_ITEM_TAGS = frozenset({"li", "article", "div", "section", "dd", "blockquote", "aside", "td"})
_MIN_BARE_ITEM = 20
_SAYS = re.compile(r"\s*(?:says|said|wrote|skriver|skrev|säger|sagt|schreibt|:)\s*:?\s*$", re.I)
_WS = re.compile(r"\s+")
_MAX_AUTHOR = 100


@dataclass
class _Item:
    element: HtmlElement
    parent: _Item | None = None
    aliases: list[HtmlElement] = field(default_factory=list)
    id: str = ""


def extract_comments(root: HtmlElement) -> list[Comment]:
    """The comments of the page in document order, and remove them from ``root``.

    Comments without any text are dropped (a deleted comment still has a wrapper).
    """
    items = _find_items(root)
    comments: list[Comment] = []
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    counter = 0
    for item in items:
        own_id = item.element.get("id") or next(
            (a.get("id") for a in item.aliases if a.get("id")), None
        )
        if not own_id:
            counter += 1
            while f"comment-{counter}" in taken:
                counter += 1
            own_id = f"comment-{counter}"
            taken.add(own_id)
        item.id = own_id
    by_element = {item.element: item for item in items}
    for item in items:
        text = _comment_text(item, by_element)
        if not text:
            continue
        comments.append(
            Comment(
                id=item.id,
                text=text,
                author=_author(item, by_element),
                time=_time(item, by_element),
                parent=item.parent.id if item.parent else None,
            )
        )
    _remove(root, items)
    return comments


def _tokens(element: HtmlElement) -> list[str]:
    return [*(element.get("class") or "").split(), *(element.get("id") or "").split()]


def _is_region(element: HtmlElement) -> bool:
    return element.tag not in ("html", "body") and any(_REGION.match(t) for t in _tokens(element))


def _microdata_comment(element: HtmlElement) -> bool:
    itemtype = element.get("itemtype") or ""
    return bool(re.search(r"schema\.org/(?:Comment|UserComments)\b", itemtype))


def _find_items(root: HtmlElement) -> list[_Item]:
    regions = [el for el in root.iter() if isinstance(el.tag, str) and _is_region(el)]
    in_region: set[HtmlElement] = set()
    for region in regions:
        in_region.update(el for el in region.iter() if isinstance(el.tag, str))
    candidates: list[HtmlElement] = []
    bodies: list[HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in _ITEM_TAGS:
            continue
        classes = (el.get("class") or "").split()
        if (
            _microdata_comment(el)
            or any(_ITEM_CLASS.match(c) for c in classes)
            or _ITEM_ID.match(el.get("id") or "")
            # Disqus: <li class="post" id="post-123"> inside #disqus_thread
            or (el in in_region and el.tag == "li" and "post" in classes)
        ):
            candidates.append(el)
        elif any(_BODY_CLASS.match(c) for c in classes):
            bodies.append(el)
    chosen = set(candidates)
    # A comment body counts as a comment only where no comment encloses it.
    for body in bodies:
        if not any(a in chosen for a in body.iterancestors()):
            candidates.append(body)
    if not candidates:
        candidates = _bare_region_items(regions)
    return _relate(root, candidates)


def _bare_region_items(regions: list[HtmlElement]) -> list[HtmlElement]:
    """Comments marked up only by their section: the list items of its lists."""
    found: list[HtmlElement] = []
    for region in regions:
        found.extend(li for li in region.iter("li") if len(_inline_text(li)) >= _MIN_BARE_ITEM)
    return found


def _relate(root: HtmlElement, candidates: list[HtmlElement]) -> list[_Item]:
    """Keep one item per comment and find whom each one answers.

    An inner candidate with no reply container between it and the enclosing candidate is
    the same comment (WordPress wraps ``article.comment-body`` in ``li.comment``) and is
    merged into it; an enclosing candidate that would absorb several such inner ones is
    a list of comments, not a comment, and is dropped.
    """
    chosen = set(candidates)
    while True:
        merged_into: dict[HtmlElement, HtmlElement] = {}
        inner_count: dict[HtmlElement, int] = {}
        for el in chosen:
            outer, via_replies = _enclosing(el, chosen)
            if outer is not None and not via_replies:
                merged_into[el] = outer
                inner_count[outer] = inner_count.get(outer, 0) + 1
        lists = {el for el, n in inner_count.items() if n > 1}
        if not lists:
            break
        chosen -= lists
    items: dict[HtmlElement, _Item] = {}
    order = [el for el in root.iter() if el in chosen and el not in merged_into]
    for el in order:
        items[el] = _Item(el)
    for inner, outer in merged_into.items():
        while outer in merged_into:
            outer = merged_into[outer]
        if outer in items:
            items[outer].aliases.append(inner)
    for el, item in items.items():
        parent_el = _reply_parent(el, chosen, merged_into)
        if parent_el is not None and parent_el in items:
            item.parent = items[parent_el]
    return list(items.values())


def _enclosing(el: HtmlElement, chosen: set[HtmlElement]) -> tuple[HtmlElement | None, bool]:
    """The nearest enclosing candidate, and whether a reply container lies in between."""
    via_replies = False
    for anc in el.iterancestors():
        if anc in chosen:
            return anc, via_replies
        if anc.tag in ("ol", "ul") or any(_REPLIES.match(t) for t in _tokens(anc)):
            via_replies = True
    return None, via_replies


def _reply_parent(
    el: HtmlElement, chosen: set[HtmlElement], merged_into: dict[HtmlElement, HtmlElement]
) -> HtmlElement | None:
    outer, via_replies = _enclosing(el, chosen)
    if outer is not None:
        while outer in merged_into:
            outer = merged_into[outer]
        return outer if via_replies else None
    # Drupal puts replies in a <div class="indented"> *after* the comment they answer.
    for anc in el.iterancestors():
        if any(_REPLIES.match(t) for t in _tokens(anc)):
            prev = anc.getprevious()
            while prev is not None and not isinstance(prev.tag, str):
                prev = prev.getprevious()
            if prev is None:
                return None
            if prev in chosen:
                return merged_into.get(prev, prev)
            inside = [d for d in prev.iter() if d in chosen and d not in merged_into]
            return inside[-1] if inside else None
    return None


def _own(item: _Item, by_element: dict[HtmlElement, _Item]) -> Iterator[HtmlElement]:
    """The item's descendants, leaving out the comments nested in it."""
    stack = [item.element]
    while stack:
        el = stack.pop()
        for child in reversed(list(el)):
            nested = child in by_element and child is not item.element
            if not isinstance(child.tag, str) or nested:
                continue
            yield child
            stack.append(child)


def _own_in_order(item: _Item, by_element: dict[HtmlElement, _Item]) -> list[HtmlElement]:
    own = set(_own(item, by_element))
    return [el for el in item.element.iter() if el in own]


def _author(item: _Item, by_element: dict[HtmlElement, _Item]) -> str | None:
    own = _own_in_order(item, by_element)
    found: HtmlElement | None = None
    for el in own:
        if "author" in (el.get("itemprop") or "").lower():
            named = [d for d in el.iter() if (d.get("itemprop") or "").lower() == "name"]
            found = named[0] if named else el
            break
    if found is None:
        for el in own:
            if any(_AUTHOR_CLASS.search(c) for c in (el.get("class") or "").split()):
                specific = [
                    d
                    for d in el.iter()
                    if d is not el
                    and (
                        "fn" in (d.get("class") or "").split()
                        or (d.get("itemprop") or "") == "name"
                        or d.tag in ("cite", "b", "strong")
                    )
                ]
                found = specific[0] if specific else el
                break
    if found is None:
        found = next((el for el in own if el.tag == "cite"), None)
    if found is None:
        return None
    name = _SAYS.sub("", _inline_text(found)).strip()
    return name[:_MAX_AUTHOR] or None


def _time(item: _Item, by_element: dict[HtmlElement, _Item]) -> str | None:
    own = _own_in_order(item, by_element)
    for el in own:
        if el.tag == "time":
            return (el.get("datetime") or _inline_text(el)) or None
    for el in own:
        prop = (el.get("itemprop") or "").lower()
        if prop in ("datecreated", "datepublished", "commenttime", "datemodified"):
            return (
                el.get("content") or el.get("datetime") or el.get("title") or _inline_text(el)
            ) or None
    for el in own:
        if any(_TIME_CLASS.search(c) for c in (el.get("class") or "").split()):
            # Disqus shows "2 hours ago" and keeps the date in the title attribute.
            return (el.get("title") or _inline_text(el)) or None
    return None


def _comment_text(item: _Item, by_element: dict[HtmlElement, _Item]) -> str:
    own = _own_in_order(item, by_element)
    target: HtmlElement | None = next(
        (el for el in own if (el.get("itemprop") or "").lower() in ("text", "commenttext")),
        None,
    )
    if target is None:
        for pattern in _TEXT_CLASSES:
            target = next(
                (
                    el
                    for el in [*item.aliases, *own]
                    if any(pattern.search(c) for c in (el.get("class") or "").split())
                    and not any(_CHROME_CLASS.search(c) for c in (el.get("class") or "").split())
                    and not _is_meta(el)
                ),
                None,
            )
            if target is not None:
                break
    if target is None:
        target = item.element
    return _block_text(target, by_element, item.element)


def _is_meta(el: HtmlElement) -> bool:
    classes = (el.get("class") or "").split()
    return any(_AUTHOR_CLASS.search(c) or _TIME_CLASS.search(c) for c in classes)


def _skip(el: HtmlElement) -> bool:
    """Parts of a comment that are not its words."""
    if el.tag in _SKIP_TAGS or el.tag == "time":
        return True
    classes = (el.get("class") or "").split()
    if any(
        _CHROME_CLASS.search(c) or _AUTHOR_CLASS.search(c) or _TIME_CLASS.search(c) for c in classes
    ):
        return True
    if any(_REPLIES.match(t) for t in _tokens(el)):
        return True
    prop = (el.get("itemprop") or "").lower()
    return "author" in prop or prop.startswith("date")


def _block_text(
    target: HtmlElement, by_element: dict[HtmlElement, _Item], item_element: HtmlElement
) -> str:
    """Paragraphs of ``target`` joined by blank lines, whitespace collapsed within each,
    leaving out nested comments, author and time markup, reply links and buttons."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = _WS.sub(" ", "".join(current)).strip()
        if text:
            paragraphs.append(text)
        current.clear()

    def walk(el: HtmlElement) -> None:
        if el.text:
            current.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and not (
                (child in by_element and child is not item_element) or _skip(child)
            ):
                block = child.tag in _BLOCK_TAGS
                if block:
                    flush()
                if child.tag == "br":
                    current.append(" ")
                walk(child)
                if block:
                    flush()
            if child.tail:
                current.append(child.tail)

    walk(target)
    flush()
    return "\n\n".join(paragraphs)


def _inline_text(el: HtmlElement) -> str:
    return _WS.sub(" ", el.text_content()).strip()


def _remove(root: HtmlElement, items: list[_Item]) -> None:
    regions = [el for el in root.iter() if isinstance(el.tag, str) and _is_region(el)]
    doomed = [item.element for item in items]
    # Drupal's reply containers sit outside the comments they hold.
    doomed += [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and any(_REPLIES.match(t) for t in _tokens(el))
        and any(d in doomed for d in el.iter())
    ]
    body_size = len(_inline_text(root)) or 1
    for region in regions:
        # A region that holds most of the page and hardly any comments is a false match
        # (a wrapper named "comments-wrapper" around the article); leave it.
        size = len(_inline_text(region))
        held = sum(len(_inline_text(d)) for d in doomed if region in d.iterancestors())
        if size > body_size / 2 and held < size / 2:
            continue
        doomed.append(region)
    for el in doomed:
        if el.getparent() is not None and not any(a in doomed for a in el.iterancestors()):
            el.drop_tree()
