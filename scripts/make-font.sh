#!/usr/bin/env bash
# Regenerates assets/fonts/wxtill-cjk.ttf: Droid Sans Fallback (Apache-2.0, from Debian's
# fonts-droid-fallback) cut down to the GB2312 character set (6,763 hanzi plus symbols)
# and CJK/full-width punctuation, so the binary carries ~2 MB instead of 4 MB.
# Needs: apt-get download fonts-droid-fallback, python3-fonttools. Not part of the build.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download -q fonts-droid-fallback >/dev/null && dpkg -x fonts-droid-fallback_*.deb x)
src="$work/x/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
/usr/bin/python3 - "$work/chars.txt" <<'PY'
import sys
chars = set()
for hi in range(0xA1, 0xF8):          # every 2-byte GB2312 code
    for lo in range(0xA1, 0xFF):
        try: chars.add(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError: pass
chars.update(chr(c) for c in range(0x3000, 0x3040))   # CJK punctuation
chars.update(chr(c) for c in range(0xFF00, 0xFFF0))   # full-width forms
chars.update(" \u00a0¥…·—“”‘’")  # the space must be here: Fyne keeps it in the CJK run
open(sys.argv[1], "w", encoding="utf-8").write("".join(sorted(chars)))
PY
/usr/bin/python3 -m fontTools.subset "$src" --text-file="$work/chars.txt" \
  --output-file=assets/fonts/wxtill-cjk.ttf --layout-features='*' --no-hinting
ls -l assets/fonts/wxtill-cjk.ttf
