#!/usr/bin/env bash
# Chinese catalogues. Source of truth: locale-src/*.json ({English msgid: 中文}), one file per area
# of work so that parallel branches never conflict on .po files. This extracts every msgid (each
# app's into apps/<app>/locale, see LOCALE_PATHS; templates/ into locale/), fills them from the
# JSON files, compiles the .mo files, and lists any msgid still without a translation.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete -v0 -i '.venv/*' -i 'bench/*' -i 'tests/*' -i 'scripts/*'
.venv/bin/python scripts/po_fill.py locale-src/*.json
