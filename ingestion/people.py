"""People in the sources (curators, mentors, tutors, staff) are personal data: readers key them by a
pseudonymous id and hand their names on separately, for the restricted schema only.

The id is a keyed hash (HMAC-SHA256) of the normalised name with the installation's secret key
(``shnor_core.settings.pseudonym_key``): stable across files and reloads of one installation, and not
recomputable from a name by anyone without the key. A reader given no key (a check of a single file
outside any installation) uses a key that lives only as long as its process.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from shnor_core.text import normalize_text

PROCESS_KEY = secrets.token_bytes(32)


def person_id(full_name: str, key: bytes | None = None) -> str:
    """Pseudonymous id of a person under the installation's key."""
    normalized = " ".join(normalize_text(full_name).split())
    return "P" + hmac.new(key or PROCESS_KEY, normalized.encode(), hashlib.sha256).hexdigest()[:12]
