"""What a PDF says, as pdftotext reads it (poppler-utils)."""

import re
import subprocess


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()


def squeezed(text):
    """Without spaces: the title is letter-spaced."""
    return re.sub(r"\s+", "", text)
