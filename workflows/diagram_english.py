"""The diagram as an English page draws it: bpmn-js draws each element's `name`, which a diagram
gives in Chinese, so the XML sent to an English page carries the `nameEn` property
(catalog.py) as the name wherever the element gives one. Only the names change; the ids, the
layout and everything the viewer marks stay as deployed. Deployed versions never change, so a
diagram is rewritten once per process and kept (by its text) for the next page."""

from __future__ import annotations

import functools

from lxml import etree

from .catalog import MAX_NAME, in_english
from .parsing import NSMAP, safe_xml_parser
from .task_settings import NAME_EN_PROPERTY
from .validation import task_properties

# Enough for every diagram a busy day's pages draw; each entry is one diagram's text.
_KEPT = 64


def shown_xml(xml: str) -> str:
    """`xml` as the reader's page should draw it."""
    return english_xml(xml) if in_english() else xml


@functools.lru_cache(maxsize=_KEPT)
def english_xml(xml: str) -> str:
    """`xml` with every element's English name as its name; the text unchanged when it names
    nothing in English (or cannot be read: the viewer then says so, as for the Chinese page)."""
    try:
        root = etree.fromstring(xml.encode("utf-8"), parser=safe_xml_parser())
    except etree.XMLSyntaxError:
        return xml
    changed = False
    for holder in root.iterfind(".//bpmn:extensionElements", NSMAP):
        owner = holder.getparent()
        if owner is None:
            continue
        english = task_properties(owner).get(NAME_EN_PROPERTY, "").strip()[:MAX_NAME]
        if english and english != owner.get("name"):
            owner.set("name", english)
            changed = True
    if not changed:
        return xml
    return str(etree.tostring(root, encoding="unicode"))
