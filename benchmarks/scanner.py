"""Scans made on the spot: pages of real text PDFs turned into image-only PDFs the way an office
scanner makes them (150 dpi greyscale, sensor noise, JPEG), and the measures `bench_ocr.py`
compares the OCR with the original text layer by.

Shared by the OCR benchmark and its exploration script, so both score the same scans alike.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pymupdf

SCAN_DPI = 150
NOISE_SIGMA = 8.0  # grey levels of Gaussian sensor noise
JPEG_QUALITY = 75
_WORD = re.compile(r"\w+")


def scan_page(page: pymupdf.Page, rng: np.random.Generator) -> bytes:
    """`page` as a scanner would give it: a noisy greyscale JPEG at `SCAN_DPI`."""
    pix = page.get_pixmap(dpi=SCAN_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    grey = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.stride)
    grey = grey[:, : pix.width].astype(np.float32)
    noisy = np.clip(grey + rng.normal(0.0, NOISE_SIGMA, grey.shape), 0, 255).astype(np.uint8)
    scanned = pymupdf.Pixmap(pymupdf.csGRAY, pix.width, pix.height, noisy.tobytes(), False)
    return scanned.tobytes("jpeg", jpg_quality=JPEG_QUALITY)


def make_scan(source: Path, target: Path, pages: list[int], seed: int = 0) -> list[str]:
    """An image-only PDF at `target` of the 0-based `pages` of `source`; returns the original
    text layer of each page, the truth the OCR is scored against."""
    rng = np.random.default_rng(seed)
    truth = []
    with pymupdf.open(source) as original, pymupdf.open() as scan:
        for number in pages:
            page = original.load_page(number)
            truth.append(page.get_text("text"))
            new = scan.new_page(width=page.rect.width, height=page.rect.height)
            new.insert_image(new.rect, stream=scan_page(page, rng))
        target.parent.mkdir(parents=True, exist_ok=True)
        scan.save(target, deflate=True)
    return truth


def normalise(text: str) -> str:
    """Text as both sides are compared: whitespace runs as one space (layout differs)."""
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time: insertions along a row are a running
    minimum, so each row is vector operations instead of a Python loop over characters."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    offsets = np.arange(len(b) + 1, dtype=np.int64)
    row = offsets.copy()
    for ch in a.encode("utf-32-le").decode("utf-32-le"):
        cost = (codes_b != ord(ch)).astype(np.int64)
        new = np.empty_like(row)
        new[0] = row[0] + 1
        new[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(new - offsets) + offsets
    return int(row[-1])


def character_errors(truth: str, recognised: str) -> tuple[int, int]:
    """(edit distance, characters of truth), both normalised."""
    truth, recognised = normalise(truth), normalise(recognised)
    return edit_distance(truth, recognised), len(truth)


def words(text: str) -> Counter[str]:
    return Counter(w.casefold() for w in _WORD.findall(text))


def word_hits(truth: str, recognised: str) -> tuple[int, int]:
    """(words of truth found in the recognised text, counted with multiplicity; words of
    truth)."""
    want, got = words(truth), words(recognised)
    return sum((want & got).values()), sum(want.values())
