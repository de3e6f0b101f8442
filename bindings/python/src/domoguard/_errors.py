"""The exception the native core raises (kept in Python so it is typed and picklable)."""

from __future__ import annotations


class DomoGuardError(Exception):
    """An error from the DomoGuard core.

    ``key`` is the message key in DomoGuard's locales (e.g. ``"error.json.malformed"``), for front ends
    that show the text in the household's language; ``code`` is one of ``bad_input``, ``unreachable``,
    ``io``, ``internal``; ``str(error)`` is the English message.
    """

    key: str
    code: str

    def __init__(self, message: str, key: str = "", code: str = "internal") -> None:
        super().__init__(message)
        self.key = key
        self.code = code

    def __reduce__(self):  # keep key and code through pickling (e.g. across executor processes)
        return (type(self), (str(self), self.key, self.code))
