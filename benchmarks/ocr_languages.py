"""OCR of German and French: one typeset paragraph each, scanned at 150 dpi (greyscale, no
noise), read with English alone and with the language's own Tesseract data.

    python benchmarks/ocr_languages.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pymupdf

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import scanner  # noqa: I001 - after the path that finds it
from pdfmaker import make_scanned_pdf

from docnook.ingest import ocr

TEXTS = {
    "deu": "Die Prüfung der Heizungsanlage ergab, dass der Wärmetauscher ausgetauscht werden "
    "muss. Die Kosten übernimmt die Hausverwaltung; die Mieter werden schriftlich "
    "benachrichtigt. Während der Arbeiten bleibt das Warmwasser für etwa zwölf Stunden "
    "abgestellt.",
    "fra": "Le propriétaire s'engage à réparer la chaudière avant le début de l'hiver. Les "
    "travaux seront effectués par une entreprise agréée, et le locataire sera prévenu une "
    "semaine à l'avance.",
}


def main() -> int:
    print(f"engine: {ocr.engine_name()}")
    with tempfile.TemporaryDirectory() as tmp:
        for code, text in TEXTS.items():
            scan = make_scanned_pdf(Path(tmp) / f"{code}.pdf", [text])
            with pymupdf.open(scan) as doc:
                for languages in ("eng", code, f"eng+{code}"):
                    read = ocr.recognise_page(doc[0], ocr.find_tessdata(languages), languages)
                    errors, chars = scanner.character_errors(text, read.text)
                    print(f"{code} text read with {languages:<8} CER {100 * errors / chars:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
