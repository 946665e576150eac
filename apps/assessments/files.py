"""Evidence file checks: the type is decided by content (magic bytes), never by name or browser claim."""

import contextlib
import hashlib
import io
import zipfile
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError, TooLargeError

from .models import EvidenceKind

# Office files are zip containers: refuse those that would unpack beyond this (zip bombs).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 5000
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
CONTENT_TYPES = {
    EvidenceKind.JPEG: "image/jpeg",
    EvidenceKind.PNG: "image/png",
    EvidenceKind.HEIC: "image/heic",
    EvidenceKind.PDF: "application/pdf",
    EvidenceKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EvidenceKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {
    EvidenceKind.JPEG: "jpg",
    EvidenceKind.PNG: "png",
    EvidenceKind.HEIC: "heic",
    EvidenceKind.PDF: "pdf",
    EvidenceKind.DOCX: "docx",
    EvidenceKind.XLSX: "xlsx",
}


def heic_supported() -> bool:
    try:
        import pillow_heif
    except ImportError:
        return False
    # Lets Pillow open HEIC/HEIF (idempotent), for verification and thumbnails.
    pillow_heif.register_heif_opener()
    return True


def unsupported_message() -> str:
    return _(
        "Unsupported file type. Accepted: photos (JPEG, PNG%(heic)s), PDF, Word (docx) and Excel (xlsx)."
    ) % {"heic": ", HEIC" if heic_supported() else ""}


def sniff(fileobj) -> EvidenceKind:
    """The kind of an uploaded file, from its first bytes and, for zip containers, their members."""
    fileobj.seek(0)
    head = fileobj.read(16)
    fileobj.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return EvidenceKind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return EvidenceKind.PNG
    if head.startswith(b"%PDF-"):
        return EvidenceKind.PDF
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        if not heic_supported():
            raise ServiceError(
                _("HEIC photos cannot be read on this server: please upload the photo as JPEG."),
                code="heic_unsupported",
                field="file",
            )
        return EvidenceKind.HEIC
    if head.startswith(b"PK\x03\x04"):
        return _sniff_office(fileobj)
    raise ServiceError(unsupported_message(), code="unsupported_type", field="file")


def _sniff_office(fileobj) -> EvidenceKind:
    try:
        with zipfile.ZipFile(fileobj) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if len(infos) > MAX_ZIP_MEMBERS or sum(i.file_size for i in infos) > MAX_UNPACKED_BYTES:
                raise ServiceError(
                    _("The document unpacks to more than 200 MB and is refused."),
                    code="zip_bomb",
                    field="file",
                )
            # The declared sizes are only claims: unpack every member (bounded by them, since
            # zipfile never yields more than a member declares) and check its CRC. A member that
            # really unpacks to more than it declares fails here and is refused as damaged.
            if archive.testzip() is not None:
                raise zipfile.BadZipFile("member fails its CRC check")
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, ValueError) as exc:
        raise ServiceError(unsupported_message(), code="unsupported_type", field="file") from exc
    finally:
        fileobj.seek(0)
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return EvidenceKind.DOCX
        if "xl/workbook.xml" in names:
            return EvidenceKind.XLSX
    raise ServiceError(unsupported_message(), code="unsupported_type", field="file")


def check_size(size: int) -> None:
    limit = settings.EVIDENCE_MAX_BYTES
    if size == 0:
        raise ServiceError(_("The file is empty."), code="empty_file", field="file")
    if size > limit:
        raise TooLargeError(
            _("The file is too large (%(size).1f MB); the limit is %(limit).0f MB.")
            % {"size": size / 1024 / 1024, "limit": limit / 1024 / 1024},
            code="file_too_large",
            field="file",
        )


def sha256_of(fileobj) -> str:
    digest = hashlib.sha256()
    fileobj.seek(0)
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def image_without_location(fileobj, kind: EvidenceKind):
    """Verifies that an image decodes; returns a new file without EXIF GPS data, or None if it had none."""
    from PIL import Image, UnidentifiedImageError

    if kind == EvidenceKind.HEIC:
        heic_supported()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            image.verify()
        fileobj.seek(0)
        image = Image.open(fileobj)
        exif = image.getexif()
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        fileobj.seek(0)
        raise ServiceError(
            _("The image is damaged and cannot be read."), code="bad_image", field="file"
        ) from exc
    gps_tag = 0x8825
    if gps_tag not in exif:
        fileobj.seek(0)
        return None
    del exif[gps_tag]
    out = io.BytesIO()
    # HEIC stays HEIC (pillow-heif writes it), so the stored bytes match the recorded kind.
    fmt = {"jpeg": "JPEG", "png": "PNG", "heic": "HEIF"}[kind]
    params = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        params |= {"quality": 95, "subsampling": "keep"} if image.format == "JPEG" else {"quality": 95}
    image.save(out, fmt, **params)
    out.seek(0)
    fileobj.seek(0)
    return out


def make_thumbnail(fileobj, size: int = 320) -> bytes | None:
    from PIL import Image, ImageOps

    heic_supported()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            image.draft("RGB", (size * 2, size * 2))
            image = ImageOps.exif_transpose(image)
            image.thumbnail((size, size))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except Exception:  # noqa: BLE001  (a thumbnail is a convenience; the original is kept)
        return None
    finally:
        fileobj.seek(0)


_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003
_DATETIME_DIGITIZED = 0x9004
_DATETIME = 0x0132


def capture_date(fileobj) -> date | None:
    """The photo's capture date from EXIF (DateTimeOriginal, else DateTimeDigitized, else DateTime),
    or None when it has none or it cannot be read. Read before the location is stripped."""
    from PIL import Image

    heic_supported()
    try:
        fileobj.seek(0)
        with Image.open(fileobj) as image:
            exif = image.getexif()
            sub = exif.get_ifd(_EXIF_IFD)
            raw = sub.get(_DATETIME_ORIGINAL) or sub.get(_DATETIME_DIGITIZED) or exif.get(_DATETIME)
    except Exception:  # noqa: BLE001  (a photo without readable EXIF simply has no date)
        return None
    finally:
        with contextlib.suppress(OSError, ValueError):
            fileobj.seek(0)
    if not raw:
        return None
    try:
        return datetime.strptime(str(raw).strip("\x00 ")[:10], "%Y:%m:%d").date()  # noqa: DTZ007
    except ValueError:
        return None
