"""The i18n plugin's configuration: ``config/plugins.py``'s ``i18n.config``, checked once.

Strapi's key ``defaultLocale`` (``"en"`` when unset) names the default
locale: the one a request without ``locale`` reads and writes, made at the
first start. An unknown key is an error naming the closest one.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .isocodes import check_code

__all__ = ["I18nSettings", "KEYS"]

KEYS = ("defaultLocale",)


@dataclass(frozen=True)
class I18nSettings:
    """The checked configuration (see the module docstring)."""

    default_locale: str = "en"

    @classmethod
    def parse(cls, config: Mapping[str, Any]) -> I18nSettings:
        for key in config:
            if key not in KEYS:
                close = difflib.get_close_matches(str(key), KEYS, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (keys: {', '.join(KEYS)})"
                raise ValueError(f"i18n: unknown key {key!r}{hint}")
        try:
            default = check_code(config.get("defaultLocale", "en"))
        except ValueError as exc:
            raise ValueError(f"i18n: defaultLocale: {exc}") from None
        return cls(default_locale=default)
