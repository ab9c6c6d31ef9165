"""Names from the diagrams in the reader's language, for templates (workflows/catalog.py):

{% load diagram_names %}
{% task_title task %}  {{ instance.version|process_name }}  {{ instance|step_name:spec }}
"""

from __future__ import annotations

from typing import Any

from django import template

from workflows import catalog

register = template.Library()


@register.simple_tag(takes_context=True)
def task_title(context: template.Context, task: Any) -> str:
    """A tag, not a filter: a row that came without its instance has its version looked up once
    per request and instance, kept on the request's user."""
    if not task:
        return ""
    request = context.get("request")
    return catalog.task_title(task, user=getattr(request, "user", None))


@register.filter
def process_name(version: Any) -> str:
    return catalog.process_name(version) if version else ""


@register.filter
def step_name(instance: Any, spec_name: str) -> str:
    """The step `spec_name` of `instance`'s diagram (e.g. where it stopped in an error)."""
    return catalog.element_name(instance.version_id, spec_name) if instance and spec_name else ""
