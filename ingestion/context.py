"""What readers match a file against and key people with."""

from __future__ import annotations

from dataclasses import dataclass, field

from ingestion.school_names import SchoolMatcher
from shnor_core.reference import Form, Municipality


@dataclass(frozen=True)
class ReadContext:
    """What readers match against: the region's municipalities and schools, and for a municipal form its
    monitoring and form catalogue."""

    municipalities: list[Municipality]
    matcher: SchoolMatcher = field(default_factory=lambda: SchoolMatcher([]))
    monitoring_id: str | None = None
    form: Form | None = None
    pseudonym_key: bytes | None = None  # the installation's key for people's ids (ingestion.people)
