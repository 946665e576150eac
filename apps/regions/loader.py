"""Builds the region tree from the NBS 2023 division files shipped in fixtures/divisions/.

Used by the data migration (with the historical model) and by `load_regions`. Idempotent:
existing codes are updated, none is duplicated.
"""

import csv
from pathlib import Path

DIVISIONS_DIR = Path(__file__).resolve().parent.parent.parent / "fixtures" / "divisions"

# Grouping rows of cities.csv that are not cities: their counties hang under the province.
PLACEHOLDER_CITIES = {"1101", "1201", "3101", "5001", "5002", "4190", "4290", "4690", "6590"}
CORPS_CODE = "660000000000"
CORPS_NAME = "新疆生产建设兵团"
CORPS_CITY_PREFIX = "6590"


def pad(code: str) -> str:
    return code.ljust(12, "0")


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_divisions(Region, directory: Path = DIVISIONS_DIR, *, batch_size: int = 2000) -> int:
    """Create or update every province, city, county and street. Returns the number of regions."""
    regions: dict[str, object] = {}

    def add(code, name, level, parent, province, city, county, zone=False):
        regions[code] = Region(
            code=code,
            name=name,
            level=level,
            parent_id=parent,
            province_id=province,
            city_id=city,
            county_id=county,
            is_statistical_zone=zone,
        )

    for row in _rows(directory / "provinces.csv"):
        code = pad(row["code"])
        add(code, row["name"], "province", None, code, None, None)
    add(CORPS_CODE, CORPS_NAME, "province", None, CORPS_CODE, None, None)

    for row in _rows(directory / "cities.csv"):
        if row["code"] in PLACEHOLDER_CITIES:
            continue
        code, province = pad(row["code"]), pad(row["provinceCode"])
        add(code, row["name"], "city", province, province, code, None)

    county_home: dict[str, tuple[str, str | None]] = {}
    for row in _rows(directory / "areas.csv"):
        code = pad(row["code"])
        if row["cityCode"] == CORPS_CITY_PREFIX:
            province, city = CORPS_CODE, None
        elif row["cityCode"] in PLACEHOLDER_CITIES:
            province, city = pad(row["provinceCode"]), None
        else:
            province, city = pad(row["provinceCode"]), pad(row["cityCode"])
        county_home[code] = (province, city)
        if code == city:
            # A city without counties (东莞市, 中山市, 儋州市): the city is its own county.
            regions[code].county_id = code
            continue
        add(code, row["name"], "county", city or province, province, city, code, zone=row["code"][4] == "7")

    for row in _rows(directory / "streets.csv"):
        county = pad(row["areaCode"])
        province, city = county_home[county]
        if pad(row["code"]) == county:
            continue  # 金门县 lists itself as its only street (code 350527000): no street of its own.
        add(pad(row["code"]), row["name"], "street", county, province, city, county)

    existing = set(Region.objects.values_list("code", flat=True))
    fields = ["name", "level", "parent", "province", "city", "county", "is_statistical_zone"]
    # Parents first: provinces, cities, counties, streets are in that order in the dict.
    new = [r for code, r in regions.items() if code not in existing]
    old = [r for code, r in regions.items() if code in existing]
    Region.objects.bulk_create(new, batch_size=batch_size)
    if old:
        Region.objects.bulk_update(old, fields, batch_size=batch_size)
    return len(regions)
