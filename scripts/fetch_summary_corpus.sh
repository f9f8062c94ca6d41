#!/usr/bin/env bash
# Fetch the public PDFs of the summary set (benchmarks/summaries/facts.json) into
# benchmarks/data/summaries-corpus/: two manuals that Debian ships in /usr/share/doc
# (libtasn1-doc, shared-mime-info) and two R package vignettes (zoo-design from r-cran-zoo,
# sandwich-OOP from r-cran-sandwich). The generated documents are made by the benchmark itself.
# Idempotent: a second run only prints where the PDFs are.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
corpus="$root/benchmarks/data/summaries-corpus"
mkdir -p "$corpus"
# name in the set, Debian package, path inside it
sources=(
    "libtasn1 libtasn1-doc usr/share/doc/libtasn1-doc/libtasn1.pdf"
    "shared-mime-info shared-mime-info usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf"
    "zoo-design r-cran-zoo usr/lib/R/site-library/zoo/doc/zoo-design.pdf"
    "sandwich-oop r-cran-sandwich usr/lib/R/site-library/sandwich/doc/sandwich-OOP.pdf"
)
for entry in "${sources[@]}"; do
    read -r name package inside <<<"$entry"
    target="$corpus/$name.pdf"
    [[ -s "$target" ]] && continue
    if [[ -s "/$inside" ]]; then
        cp "/$inside" "$target"
        continue
    fi
    command -v apt-get >/dev/null || { echo "apt-get and dpkg are needed (Debian, Ubuntu)." >&2; exit 1; }
    work="$(mktemp -d)"
    (cd "$work" && { apt-cache show "$package" >/dev/null 2>&1 || apt-get update; } \
        && apt-get download "$package" && dpkg -x ./*.deb extract)
    cp "$work/extract/$inside" "$target"
    rm -rf "$work"
done
ls -l "$corpus"
