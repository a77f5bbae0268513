"""The school-name matcher, kept importable here for the readers: it lives in ``shnor_core.school_names`` so that
the warehouse's resolution step calls the same functions (see that module for the rule)."""

from shnor_core.school_names import (
    SchoolMatch,
    SchoolMatcher,
    SchoolName,
    SchoolRef,
    normalized_school_name,
    parse_school_name,
    school_key,
)

__all__ = ["SchoolMatch", "SchoolMatcher", "SchoolName", "SchoolRef", "normalized_school_name", "parse_school_name",
           "school_key"]
