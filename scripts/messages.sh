#!/usr/bin/env bash
# Extract and compile the Chinese catalogues: each app's into apps/<app>/locale (see LOCALE_PATHS),
# the project templates' into locale/. Then fill in the new msgstr entries and run it again.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python manage.py makemessages -l zh_Hans --no-obsolete -v0 -i '.venv/*' -i 'bench/*' -i 'tests/*' -i 'scripts/*'
.venv/bin/python manage.py compilemessages -v0 -i .venv
