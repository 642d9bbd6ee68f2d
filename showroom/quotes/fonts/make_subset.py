"""Regenerate NotoSerifSC-Regular-subset.ttf, the font the quote PDF embeds (see README.md beside this file).

    uv run --with fonttools==4.61.1 python showroom/quotes/fonts/make_subset.py [SOURCE.ttf]

Without SOURCE it fetches the pinned npm package with `npm pack` into a scratch folder. The source file's SHA-256
is checked, so the subset is made from the same outlines on every machine. fontTools is needed only here, not by
the app (ReportLab reads the subset and subsets it again per PDF).
"""

from __future__ import annotations

import hashlib
import subprocess  # noqa: S404 - runs npm by a fixed argument list
import sys
import tarfile
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PACKAGE = "@expo-google-fonts/noto-serif-sc@0.4.3"
MEMBER = "package/400Regular/NotoSerifSC_400Regular.ttf"
SHA256 = "c358a69de3df5f423a8946a7b03e3126fb6ba116f1130a463455b4e39e1f0742"
OUTPUT = HERE / "NotoSerifSC-Regular-subset.ttf"

# Given-name characters outside GB2312 that are common enough to print embedded; any other character the subset
# lacks is set in the reader's STSong-Light (see pdf.py).
NAME_EXTRAS = "喆堃玥珺琰瑄赟翀犇垚昇淼焱婧琪瑾璟钰锴琛祎袆禕玮炜烨煜晟昊昱暄晗曦珈珂琬琳瑜璇瑛瑶璐晞翊彧骞旻燊沄玙琤祐嬿镕甦芃"


def gb2312() -> set[str]:
    """Every character of GB 2312 (the 6,763 hanzi, full-width forms, punctuation, kana, Greek, Cyrillic)."""
    out = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                out.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def project_text() -> set[str]:
    """The characters of every Chinese catalog and of the demo data's names (Faker zh_CN)."""
    chars = set()
    for po in ROOT.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
        if ".venv" not in po.parts:
            chars.update(po.read_text(encoding="utf-8"))
    try:
        from faker.providers.person.zh_CN import Provider
    except ImportError:
        print("faker is not installed: the demo's names are not added", file=sys.stderr)
    else:
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            chars.update("".join(getattr(Provider, attr, ())))
    return {c for c in chars if c.isprintable()}


def charset() -> set[str]:
    latin = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x180)}
    symbols = set("‐‑–—―‘’“”•…‰′″‹›€₩℃№™←↑→↓−∙√∞≈≠≤≥■□▲△◆◇○●★☆、。〈〉《》「」『』【】〔〕〖〗〜・￥￦")
    return gb2312() | latin | symbols | set(NAME_EXTRAS) | project_text()


def source() -> bytes:
    if len(sys.argv) > 1:
        data = Path(sys.argv[1]).read_bytes()
    else:
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", scratch],  # noqa: S603, S607
                           check=True, capture_output=True)
            (tarball,) = Path(scratch).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                data = archive.extractfile(MEMBER).read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        sys.exit(f"{MEMBER}: SHA-256 {digest}, expected {SHA256}")
    return data


def main() -> None:
    with tempfile.NamedTemporaryFile(suffix=".ttf") as raw:
        raw.write(source())
        raw.flush()
        font = TTFont(raw.name, recalcTimestamp=False)  # the same bytes on every run
        options = subset.Options()
        options.layout_features = []  # ReportLab sets each character's default glyph; no shaping tables needed
        options.hinting = False
        options.drop_tables += ["BASE", "STAT", "vhea", "vmtx", "GDEF", "GPOS", "GSUB", "gasp", "prep"]
        options.name_IDs = ["*"]
        options.notdef_outline = True
        wanted = sorted(ord(c) for c in charset())
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        # Say in the font's own names that this is a subset (the OFL asks modified versions to be identifiable).
        for record in font["name"].names:
            if record.nameID in (3, 5):
                record.string = f"{record.string}; subset for Showroom quote PDF"
        font.save(OUTPUT)
    cmap = TTFont(OUTPUT)["cmap"].getBestCmap()
    print(f"{OUTPUT.name}: {OUTPUT.stat().st_size:,} bytes, {len(cmap):,} characters of {len(wanted):,} asked")


if __name__ == "__main__":
    main()
