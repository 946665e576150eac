"""The QR poster: its code decodes to the community's public page; a district's posters are one
PDF made by the worker, with progress."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from apps.residents import posters
from apps.residents.models import PosterJob
from tests.factories import CommunityFactory, region

pytestmark = pytest.mark.django_db


def decode_pages(pdf: bytes, tmp_path, pages: int = 1) -> list[str]:
    """Render the PDF's pages to PNG with pdftoppm and decode every QR code found with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    source = tmp_path / "posters.pdf"
    source.write_bytes(pdf)
    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "100", "-png", "-l", str(pages), str(source), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    texts = []
    for png in sorted(tmp_path.glob("page*.png")):
        texts.extend(r.text for r in zxingcpp.read_barcodes(Image.open(png)))
    return texts


def test_the_posters_qr_decodes_to_the_page_url(client_for, city_user, xuhui_community, tmp_path):
    response = client_for(city_user).get(reverse("residents:poster", kwargs={"code": xuhui_community.code}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    expected = "http://testserver" + reverse("residents:page", kwargs={"code": xuhui_community.code})
    assert decode_pages(response.content, tmp_path) == [expected]


def test_public_base_url_is_printed(settings, xuhui_community, tmp_path):
    settings.PUBLIC_BASE_URL = "https://lvse.example.gov.cn/"
    pdf = posters.render_one(xuhui_community, base_url=settings.PUBLIC_BASE_URL)
    assert decode_pages(pdf, tmp_path) == [f"https://lvse.example.gov.cn/r/{xuhui_community.code}/"]


def test_a_districts_posters_in_one_pdf_with_progress(
    client_for, city_user, tmp_path, eager_tasks, django_capture_on_commit_callbacks
):
    communities = [CommunityFactory(street=region("310104003")) for _ in range(3)]
    client = client_for(city_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("residents:area-posters", kwargs={"code": "310104000000"}))
    job = PosterJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("residents:poster-job", kwargs={"pk": job.pk})
    assert (job.state, job.done, job.total) == ("done", 3, 3)
    page = client.get(response["Location"]).content.decode()
    assert "3 / 3" in page
    pdf = client.get(reverse("residents:poster-job-download", kwargs={"pk": job.pk}))
    content = b"".join(pdf.streaming_content)
    urls = decode_pages(content, tmp_path, pages=3)
    assert sorted(urls) == sorted(f"http://testserver/r/{c.code}/" for c in communities)


def test_a_street_office_cannot_make_the_districts_posters(client_for, xuhui_community):
    from apps.accounts.models import Role
    from tests.factories import UserFactory

    street = UserFactory(username="tianping", role=Role.STREET, region=region("310104003"))
    client = client_for(street)
    assert client.post(reverse("residents:area-posters", kwargs={"code": "310104000000"})).status_code == 404
    assert client.post(reverse("residents:area-posters", kwargs={"code": "310104003000"})).status_code == 302
