"""Photos taken on the spot: the type by content (as evidence), the size limit of evidence, the
location removed from the stored file, and the capture time and place read from EXIF before."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.assessments import files
from apps.assessments.models import EvidenceKind
from apps.core.errors import ServiceError

IMAGE_KINDS = (EvidenceKind.JPEG, EvidenceKind.PNG, EvidenceKind.HEIC)
_GPS = 0x8825


@dataclass
class Checked:
    content: ContentFile
    kind: str
    size: int
    sha256: str
    captured_at: dt.datetime | None
    latitude: Decimal | None
    longitude: Decimal | None


def coordinate(value, bound: int) -> Decimal | None:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number.quantize(Decimal("0.000001")) if number.is_finite() and abs(number) <= bound else None


def _exif_place(fileobj) -> tuple[Decimal | None, Decimal | None]:
    from PIL import Image

    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            gps = image.getexif().get_ifd(_GPS)
    except Exception:  # noqa: BLE001  (no readable EXIF: no place)
        return None, None
    finally:
        fileobj.seek(0)

    def degrees(ref_tag, value_tag, negative):
        value = gps.get(value_tag)
        if not value:
            return None
        d, m, s = (float(v) for v in value)
        number = d + m / 60 + s / 3600
        return coordinate(-number if gps.get(ref_tag) == negative else number, 180)

    return degrees(1, 2, "S"), degrees(3, 4, "W")


def _exif_time(fileobj) -> dt.datetime | None:
    day = files.capture_date(fileobj)
    if day is None:
        return None
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def check(upload) -> Checked:
    """The photo ready to store, or ServiceError (not an image, too large, damaged)."""
    files.check_size(upload.size)
    kind = files.sniff(upload)
    if kind not in IMAGE_KINDS:
        raise ServiceError(
            _("Only photos (JPEG, PNG, HEIC) are taken on the spot."), code="not_an_image", field="photo"
        )
    latitude, longitude = _exif_place(upload)
    captured = _exif_time(upload)
    cleaned = files.image_without_location(upload, kind)
    data = (cleaned or upload).read()
    upload.seek(0)
    content = ContentFile(data, name="photo")
    return Checked(content, kind, len(data), files.sha256_of(content), captured, latitude, longitude)
