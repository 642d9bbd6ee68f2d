"""Pinyin keys of a name, for the way Chinese staff search: "zhangsan" or "zs" finds 张三."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[^a-z0-9]")

# Surnames read differently from the character's most common reading (曾 is Zeng, not ceng).
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "区": "ou", "查": "zha", "朴": "piao",
    "翟": "zhai", "乐": "yue", "缪": "miao", "盖": "ge", "召": "shao", "覃": "qin", "尉": "yu",
    "卜": "bu", "长": "chang", "种": "chong", "重": "chong", "任": "ren", "万": "wan", "沈": "shen",
}


def pinyin_keys(name: str, *, person: bool = True) -> tuple[str, str]:
    """(full pinyin, initials) in lower case without spaces; Latin words pass through as words."""
    name = (name or "").strip()
    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: chars.split())]
    if person and name and name[0] in _SURNAME_READINGS and syllables:
        syllables[0] = _SURNAME_READINGS[name[0]]
    # Latin letters with accents keep their base letter (José → jose), rather than losing it.
    syllables = [_KEEP.sub("", unicodedata.normalize("NFKD", s)) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables)[:200], "".join(s[0] for s in syllables)[:50]
