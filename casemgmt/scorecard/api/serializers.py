"""JSON shapes of the scorecard API. Points are decimals written as strings ("4.7")."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from ..models import Evaluation, Stage
from ..queries import sheet
from ..whatif import WhatIf


class EvaluationSerializer(serializers.ModelSerializer[Evaluation]):
    project_name = serializers.CharField(source="project.name", read_only=True)
    template_version = serializers.IntegerField(source="template_version.number", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, default=None)
    process_instance = serializers.IntegerField(source="instance_id", read_only=True, allow_null=True)
    based_on = serializers.IntegerField(source="based_on_id", read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "project",
            "project_name",
            "period_start",
            "period_end",
            "template_version",
            "stage",
            "status",
            "based_on",
            "process_instance",
            "task_spec",
            "created_by",
            "created_at",
            "submitted_at",
            "base",
            "bonus",
            "total",
        ]
        read_only_fields = fields


class EvaluationCreateSerializer(serializers.Serializer[Any]):
    project = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    stage = serializers.ChoiceField(choices=Stage.choices)
    based_on = serializers.IntegerField(required=False, allow_null=True)


class ScoreSerializer(serializers.Serializer[Any]):
    indicator = serializers.IntegerField(min_value=1, max_value=99)
    sub_item = serializers.CharField(required=False, allow_blank=True, max_length=8)
    points = serializers.CharField(required=False, allow_null=True, max_length=12)
    satisfied = serializers.BooleanField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=4000, default=None
    )
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    evidence_file = serializers.FileField(required=False, allow_null=True)
    evidence_note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")


def _dec(value: Any) -> str | None:
    return None if value is None else str(value)


def evaluation_detail(evaluation: Evaluation) -> dict[str, Any]:
    data = dict(EvaluationSerializer(evaluation).data)
    groups = []
    for group in sheet(evaluation):
        indicators = []
        for ind in group.indicators:
            score = ind.score
            indicator = score.indicator
            indicators.append(
                {
                    "number": indicator.number,
                    "name_zh": indicator.name_zh,
                    "name_en": indicator.name_en,
                    "rule_kind": indicator.rule_kind,
                    "max_points": _dec(indicator.max_points),
                    "points": _dec(score.points),
                    "computed": _dec(score.computed),
                    "adjusted": score.adjusted,
                    "reason": score.reason,
                    "earlier_points": _dec(ind.earlier.points) if ind.earlier is not None else None,
                    "items": [
                        {
                            "id": item.row.pk,
                            "position": item.row.sub_item.position,
                            "code": item.row.sub_item.code,
                            "text_zh": item.row.sub_item.text_zh,
                            "rule_kind": item.row.sub_item.rule_kind,
                            "computed_from_records": item.row.sub_item.is_computed,
                            "satisfied": item.row.satisfied,
                            "count": item.row.count,
                            "points": _dec(item.row.points),
                            "computed": _dec(item.row.computed),
                            "adjusted": item.row.adjusted,
                            "reason": item.row.reason,
                            "records": item.row.records,
                            "evidence": [
                                {"id": e.pk, "name": e.original_name, "url": e.url, "has_file": bool(e.file)}
                                for e in item.row.evidence.all()
                            ],
                        }
                        for item in ind.items
                    ],
                }
            )
        groups.append(
            {
                "position": group.group.position,
                "name_zh": group.group.name_zh,
                "name_en": group.group.name_en,
                "max_points": _dec(group.group.max_points),
                "is_bonus": group.group.is_bonus,
                "subtotal": _dec(group.subtotal),
                "indicators": indicators,
            }
        )
    data["groups"] = groups
    return data


def whatif_json(result: WhatIf) -> dict[str, Any]:
    return {
        "base": _dec(result.base),
        "bonus": _dec(result.bonus),
        "total": _dec(result.total),
        "targets": [
            {"threshold": _dec(t.threshold), "passes": t.passes, "missing": _dec(t.missing)}
            for t in result.targets
        ],
        "options": [
            {
                "indicator": o.indicator,
                "label": o.label,
                "kind": o.kind,
                "more_units": o.more_units,
                "unit_zh": o.unit_zh,
                "unit_en": o.unit_en,
                "gain": _dec(o.gain),
                "next_units": o.next_units,
                "next_gain": _dec(o.next_gain),
                "hint_zh": o.hint_zh,
                "hint_en": o.hint_en,
                "record_ids": list(o.record_ids),
            }
            for o in result.options
        ],
    }
