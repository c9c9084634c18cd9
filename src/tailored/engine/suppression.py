"""The suppression list as the engine uses it: the key, and which ids are on the list.

The key is `settings.suppression_key`, else a random one the first erasure writes to
`models_dir/suppression.key` (0600), which the processes of a deployment share as they
share the model files. Until a key exists nobody was erased, so nothing is suppressed
and ingestion reads no file and runs no query for it.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Connection

from tailored.domain.erasure import MIN_KEY_BYTES, SUPPRESSED_REASON, suppression_hash
from tailored.errors import ConfigurationError, InvalidInput
from tailored.storage import erasure as store

KEY_FILE = "suppression.key"


class SuppressionList:
    """Erased ids, recognised by their keyed hash.

    >>> import tempfile
    >>> from pathlib import Path
    >>> ids = SuppressionList(None, key_file=Path(tempfile.mkdtemp()) / "suppression.key")
    >>> ids.hashes(["u1"]) == {}  # no key yet: nobody was erased
    True
    >>> len(ids.hashes(["u1"], create=True)["u1"])
    64
    """

    def __init__(self, key: str | None, *, key_file: Path) -> None:
        self._given = key.encode("utf-8") if key is not None else None
        self._file = key_file
        self._key: bytes | None = self._given
        self._lock = threading.Lock()

    def hashes(self, user_ids: Sequence[str], *, create: bool = False) -> dict[str, str]:
        """Each id's hash (empty when there is no key yet and `create` is False)."""
        key = self._load(create=create)
        if key is None:
            return {}
        return {uid: suppression_hash(key, uid) for uid in dict.fromkeys(user_ids)}

    def among(self, conn: Connection, user_ids: Sequence[str]) -> set[str]:
        """Those of `user_ids` on the list, read in the caller's transaction."""
        hashed = self.hashes(user_ids)
        if not hashed:
            return set()
        found = store.suppressed(conn, list(hashed.values()))
        return {uid for uid, h in hashed.items() if h in found}

    def _load(self, *, create: bool) -> bytes | None:
        if self._key is not None:
            return self._key
        with self._lock:
            if self._key is None:
                self._key = _read_key(self._file, create=create)
            return self._key


def refuse_erased(conn: Connection, suppression: SuppressionList | None, user_id: str) -> None:
    """`InvalidInput` naming `user_id` when it was erased: a write that would create the
    user again is refused (no list: nothing to refuse)."""
    if suppression is not None and suppression.among(conn, [user_id]):
        raise InvalidInput("user_id", SUPPRESSED_REASON)


def _read_key(path: Path, *, create: bool) -> bytes | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        if not create:
            return None
        return _create_key(path)
    if len(text) < 2 * MIN_KEY_BYTES:
        raise ConfigurationError(
            f"suppression key file {path}: holds {len(text)} characters, not the 64 hex "
            "digits written there; restore it, or set TAILORED_SUPPRESSION_KEY"
        )
    return text.encode("ascii")


def _create_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = secrets.token_hex(MIN_KEY_BYTES)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(text + "\n")
    try:  # a link appears whole or not at all: of two processes, one key wins for both
        os.link(draft, path)
    except FileExistsError:
        found = _read_key(path, create=False)
        assert found is not None
        return found
    finally:
        draft.unlink()
    return text.encode("ascii")


__all__ = ["KEY_FILE", "SuppressionList", "refuse_erased"]
