"""The server's access log, with invitation tokens redacted.

uvicorn logs every request line, e.g. `GET /survey/<token> HTTP/1.1" 200`; the token opens
an association's answer, and the store keeps only its hash, so the log must not keep it
either. The filter rewrites the logged path to `/survey/[token]`; it is installed on the
`uvicorn.access` logger by `create_app` (uvicorn's own logging setup keeps logger filters).
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
# /survey/<token> and /api/survey/<token> (tokens are 43 URL-safe characters; any long
# run of them is redacted, so mistyped or old tokens do not leak either)
_TOKEN_PATH = re.compile(r"(/survey/)[A-Za-z0-9_-]{16,}")
REDACTED = r"\1[token]"


def redact(text: str) -> str:
    """`text` with every survey token replaced by '[token]'."""
    return _TOKEN_PATH.sub(REDACTED, text)


class RedactTokens(logging.Filter):
    """A logging filter that redacts survey tokens in a record's message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Add the filter to a logger once (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, RedactTokens) for f in logger.filters):
        logger.addFilter(RedactTokens())
