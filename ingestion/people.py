"""People in the sources (curators, mentors, tutors, staff) are personal data: readers key them by a
pseudonymous id and hand their names on separately, for the restricted schema only."""

from __future__ import annotations

import hashlib
import os

from shnor_core.text import normalize_text


def person_id(full_name: str) -> str:
    """Pseudonymous id of a person: stable across files, meaningless without the deployment's salt."""
    salt = os.environ.get("SHNOR_PSEUDONYM_SALT", "shnor-default-salt-change-in-production")
    normalized = " ".join(normalize_text(full_name).split())
    return "P" + hashlib.sha256(f"{salt}|{normalized}".encode()).hexdigest()[:12]
