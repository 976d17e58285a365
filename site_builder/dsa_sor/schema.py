"""Columns of the statement-of-reasons CSV parts, by schema version and variant.

v1 (days up to 2025-06-30) has 37 columns in the full dumps, v2 (from 2025-07-01) adds
``content_id_ean`` (38); light dumps drop four free-text columns (33 / 34). Columns are read by
name from each part's header, so their order may change without breaking the reader.
"""

from __future__ import annotations

from site_builder.errors import InputError

V2_FULL: tuple[str, ...] = (
    "uuid", "decision_visibility", "decision_visibility_other", "end_date_visibility_restriction",
    "decision_monetary", "decision_monetary_other", "end_date_monetary_restriction", "decision_provision",
    "end_date_service_restriction", "decision_account", "end_date_account_restriction", "account_type",
    "decision_ground", "decision_ground_reference_url", "illegal_content_legal_ground", "illegal_content_explanation",
    "incompatible_content_ground", "incompatible_content_explanation", "incompatible_content_illegal", "category",
    "category_addition", "category_specification", "category_specification_other", "content_type",
    "content_type_other", "content_language", "content_date", "content_id_ean", "territorial_scope",
    "application_date", "decision_facts", "source_type", "source_identity", "automated_detection",
    "automated_decision", "platform_name", "platform_uid", "created_at",
)
FULL_ONLY = ("illegal_content_explanation", "incompatible_content_explanation", "territorial_scope", "decision_facts")
V1_FULL = tuple(c for c in V2_FULL if c != "content_id_ean")
LAYOUTS: dict[tuple[str, ...], tuple[str, str]] = {
    V2_FULL: ("v2", "full"),
    V1_FULL: ("v1", "full"),
    tuple(c for c in V2_FULL if c not in FULL_ONLY): ("v2", "light"),
    tuple(c for c in V1_FULL if c not in FULL_ONLY): ("v1", "light"),
}
# The columns the cube reads; DuckDB decodes (and checks the UTF-8 of) only these and the two ground
# texts (illegal_content_legal_ground, incompatible_content_ground): invalid bytes in other free text
# (decision_facts, explanations) are never decoded and change no count.
READ = (
    "uuid", "category", "category_addition", "category_specification", "decision_visibility", "decision_monetary",
    "decision_provision", "decision_account", "decision_ground", "automated_detection", "automated_decision",
    "source_type", "content_type", "content_date", "application_date", "platform_name", "created_at",
)


def header_layout(header: tuple[str, ...], where: str) -> tuple[str, str]:
    """(schema version, variant) of a CSV part from its header; any other header stops naming the part.

    Columns are matched by name: the same set in another order is accepted, a missing, renamed or
    extra column is not.
    """
    for cols, layout in LAYOUTS.items():
        if header == cols or sorted(header) == sorted(cols):
            return layout
    known = set(V2_FULL)
    missing = [c for c in READ if c not in header]
    extra = [c for c in header if c not in known]
    raise InputError(where, "the header is not a statement-of-reasons header of schema v1 or v2", line=1,
                     got=f"{len(header)} columns; missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'}",
                     expected="the 37 (v1) or 38 (v2) columns of a full dump, or 33/34 of a light dump")
