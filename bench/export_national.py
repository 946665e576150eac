"""Figure 5: the national CSV export in a process of its own (so its peak memory is its own).

GET /communities/export/communities.csv?year=Y (or assessments.csv, --what assessments) as the ministry, through the portal's URLconf and
middleware (the bench's production settings), reading the whole streamed body and throwing it
away. Prints the rows and bytes sent to stderr.

    python bench/export_national.py --year 2022
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument(
        "--what", choices=["communities", "assessments"], default="communities", help="which export"
    )
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if len(os.environ.get("DJANGO_SECRET_KEY", "")) < 50:
        os.environ["DJANGO_SECRET_KEY"] = "bench-" + "x" * 60
    import django

    django.setup()
    from django.test import Client

    from apps.accounts.models import Role, User

    user, _ = User.objects.get_or_create(
        username="bench-ministry", defaults={"role": Role.MINISTRY, "display_name": "bench ministry"}
    )
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    response = client.get(f"/communities/export/{args.what}.csv?year={args.year}")
    if response.status_code != 200 or not response.streaming:
        sys.stderr.write(f"unexpected response {response.status_code}\n")
        return 1
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    sys.stderr.write(f"{lines - 1} rows, {size} bytes\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
