"""Problems found in content: one line each, ``path:line:col: Fehler: message``."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import t

ERROR = "error"
WARNING = "warning"

# A field name, value or file name may carry a line break or control character
# (escaped in quotes: "a\nb": 1): shown escaped, every problem stays one line.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    severity: str
    code: str
    params: tuple = field(default=(), compare=False)

    def message(self, lang: str = "de") -> str:
        return _one_line(t("msg." + self.code, lang, **dict(self.params)).rstrip())

    def format(self, lang: str = "de") -> str:
        return f"{_one_line(self.path)}:{self.line}:{self.col}: {t('severity.' + self.severity, lang)}: {self.message(lang)}"

    def github(self, lang: str = "de") -> str:
        """GitHub Actions workflow annotation for the same problem."""
        level = "error" if self.severity == ERROR else "warning"
        msg = self.message(lang).replace("%", "%25")  # message() is one line already: no %0A/%0D needed
        path = _one_line(self.path).replace(",", "%2C").replace(":", "%3A")
        return f"::{level} file={path},line={self.line},col={self.col}::{msg}"


def problem(path, line, col, code, severity=ERROR, **params) -> Problem:
    return Problem(str(path), line, col, severity, code, tuple(sorted(params.items())))
