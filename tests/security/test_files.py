"""Uploads are judged by content and size, photos lose their location, nothing is served as a page."""

import hashlib
import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from apps.assessments import files, services
from apps.assessments.models import Evidence
from apps.core.errors import ServiceError

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "GreenCam"  # Make: ordinary metadata is kept
    exif[GPS_IFD] = {1: "N", 2: (31.0, 11.0, 30.0), 3: "E", 4: (121.0, 26.0, 15.0)}
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 100, 50)).save(buf, "JPEG", exif=exif, quality=90)
    data = buf.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD), "the fixture must carry GPS"
    return data


def png_with_gps() -> bytes:
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (39.0, 54.0, 0.0), 3: "E", 4: (116.0, 23.0, 0.0)}
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 150, 90)).save(buf, "PNG", exif=exif)
    return buf.getvalue()


def office_zip(document: bytes = b"<w:document/>", *, member_size: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if member_size:
            with archive.open("word/document.xml", "w") as member:
                chunk = b"\0" * (1024 * 1024)
                for _n in range(member_size // len(chunk)):
                    member.write(chunk)
        else:
            archive.writestr("word/document.xml", document)
    return buf.getvalue()


def forge_sizes(data: bytes, name: bytes, declared: int) -> bytes:
    """Rewrite the uncompressed size of one member, in its local header and the central directory,
    to understate what it unpacks to (the classic way to slip a bomb past a header check)."""
    data = bytearray(data)
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (at := data.find(signature, start)) != -1:
            length_field = 26 if signature == b"PK\x03\x04" else 28
            name_length = struct.unpack("<H", data[at + length_field : at + length_field + 2])[0]
            if data[at + name_offset : at + name_offset + name_length] == name:
                data[at + size_offset : at + size_offset + 4] = struct.pack("<I", declared)
            start = at + 4
    return bytes(data)


def upload(response, user, data: bytes, name: str, content_type="application/octet-stream"):
    return services.evidence_add(
        response=response, user=user, uploaded_file=SimpleUploadedFile(name, data, content_type=content_type)
    )


def stored_bytes(evidence: Evidence) -> bytes:
    with evidence.file.open("rb") as handle:
        return handle.read()


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- EXIF location --------------------------------------------------------------------------------


def test_gps_is_removed_from_a_stored_jpeg_and_the_hash_matches(assessment, community_user):
    original = jpeg_with_gps()
    evidence = upload(assessment.responses.get(criterion__number=3), community_user, original, "site.jpg")
    data = stored_bytes(evidence)
    stored = Image.open(io.BytesIO(data))
    exif = stored.getexif()
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert exif.get(0x010F) == "GreenCam"
    assert stored.size == (64, 48)
    assert hashlib.sha256(data).hexdigest() == evidence.sha256
    assert evidence.size == len(data)
    assert data != original


def test_gps_is_removed_from_a_stored_png(assessment, community_user):
    evidence = upload(assessment.responses.get(criterion__number=3), community_user, png_with_gps(), "a.png")
    data = stored_bytes(evidence)
    assert not Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    assert hashlib.sha256(data).hexdigest() == evidence.sha256


def test_the_thumbnail_carries_no_metadata(assessment, community_user):
    evidence = upload(assessment.responses.get(criterion__number=3), community_user, jpeg_with_gps(), "s.jpg")
    with evidence.thumbnail.open("rb") as handle:
        assert not Image.open(handle).getexif()


# --- Content and size --------------------------------------------------------------------------------


def test_a_docx_that_unpacks_beyond_the_limit_is_refused(assessment, community_user, settings):
    bomb = office_zip(member_size=files.MAX_UNPACKED_BYTES + 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # a small upload...
    with pytest.raises(ServiceError) as refused:
        upload(assessment.responses.get(criterion__number=4), community_user, bomb, "plan.docx")
    assert refused.value.code == "zip_bomb"
    assert "200 MB" in refused.value.message
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_a_docx_with_forged_member_sizes_is_refused(assessment, community_user):
    honest = office_zip(member_size=8 * 1024 * 1024)
    forged = forge_sizes(honest, b"word/document.xml", 1000)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(forged)).infolist()) < 2000
    with pytest.raises(ServiceError) as refused:
        upload(assessment.responses.get(criterion__number=4), community_user, forged, "plan.docx")
    assert refused.value.code in ("zip_bomb", "unsupported_type")
    assert not Evidence.objects.exists()


def test_a_genuine_docx_is_accepted(assessment, community_user):
    evidence = upload(
        assessment.responses.get(criterion__number=4), community_user, office_zip(), "plan.docx"
    )
    assert evidence.kind == "docx"


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "report.pdf", "application/pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "p.png", "image/png"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "photo.jpg", "image/jpeg"),
        (b"PK\x03\x04" + b"\0" * 40, "sheet.xlsx", "application/vnd.ms-excel"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "photo.jpg", "image/jpeg"),
    ],
    ids=["html-as-pdf", "svg-as-png", "exe-as-jpg", "broken-zip", "broken-jpeg"],
)
def test_files_are_judged_by_content_not_by_name(
    assessment, community_user, settings, data, name, content_type
):
    with pytest.raises(ServiceError) as refused:
        upload(assessment.responses.get(criterion__number=5), community_user, data, name, content_type)
    assert refused.value.code in ("unsupported_type", "bad_image")
    assert not Evidence.objects.exists()
    assert media_files(settings) == []


def test_size_limits(assessment, community_user, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    response = assessment.responses.get(criterion__number=6)
    with pytest.raises(ServiceError) as too_large:
        upload(response, community_user, b"%PDF-1.4\n" + b"0" * 2000, "big.pdf")
    assert too_large.value.code == "file_too_large"
    with pytest.raises(ServiceError) as empty:
        upload(response, community_user, b"", "empty.pdf")
    assert empty.value.code == "empty_file"


def test_the_upload_request_size_is_bounded(settings):
    # Request bodies beyond these never reach memory: files stream to disk, fields are capped.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024


# --- Serving --------------------------------------------------------------------------------------


def download(client, evidence, query=""):
    return client.get(reverse("assessments:evidence", args=[evidence.pk]) + query)


def assert_locked_down(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "html" not in response["Content-Type"] and "script" not in response["Content-Type"]


def test_office_files_always_download_as_attachments(assessment, community_user, city_user, client_for):
    evidence = upload(assessment.responses.get(criterion__number=4), community_user, office_zip(), "x.html")
    client = client_for(city_user)
    for query in ("", "?inline=1"):
        response = download(client, evidence, query)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["Content-Type"] == files.CONTENT_TYPES["docx"]
        assert ".html" not in response["Content-Disposition"]
        assert_locked_down(response)


def test_a_pdf_with_script_inside_is_served_as_a_sandboxed_pdf(
    assessment, community_user, city_user, client_for
):
    polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"
    evidence = upload(assessment.responses.get(criterion__number=7), community_user, polyglot, "a.html")
    client = client_for(city_user)
    response = download(client, evidence)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert_locked_down(response)
    inline = download(client, evidence, "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert_locked_down(inline)


def test_images_open_inline_only_on_request_and_thumbnails_are_locked_down(
    assessment, community_user, city_user, client_for
):
    evidence = upload(assessment.responses.get(criterion__number=3), community_user, jpeg_with_gps(), "s.jpg")
    client = client_for(city_user)
    assert download(client, evidence)["Content-Disposition"].startswith("attachment")
    inline = download(client, evidence, "?inline=1")
    assert inline["Content-Disposition"].startswith("inline") and inline["Content-Type"] == "image/jpeg"
    assert_locked_down(inline)
    thumb = client.get(reverse("assessments:evidence-thumbnail", args=[evidence.pk]))
    assert thumb["Content-Type"] == "image/jpeg"
    assert_locked_down(thumb)


def test_media_is_not_served_by_any_url(client_for, city_user, assessment, community_user):
    evidence = upload(
        assessment.responses.get(criterion__number=7), community_user, b"%PDF-1.4\n%%EOF\n", "a.pdf"
    )
    from django.conf import settings

    response = client_for(city_user).get(settings.MEDIA_URL + evidence.file.name)
    assert response.status_code == 404
