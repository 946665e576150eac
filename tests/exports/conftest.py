from tests.api.conftest import api  # noqa: F401
from tests.assessments.conftest import assessment, filled, pdf_upload, png_upload, submitted  # noqa: F401
