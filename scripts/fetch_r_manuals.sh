#!/usr/bin/env bash
# Fetch the R manuals (Debian's r-doc-pdf) into benchmarks/data/r-manuals/, the corpus of
# benchmarks/bench_indexing.py: the seven manuals and the 2,415-page reference, 3,092 pages.
# The package also ships fullrefman.pdf, a near-identical copy of refman.pdf; it is left out so
# the corpus holds each page once. Idempotent: a second run only prints where the PDFs are.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/benchmarks/data"
corpus="$data/r-manuals"
manuals=(R-FAQ R-admin R-data R-exts R-intro R-ints R-lang refman)

complete() {
    local name
    for name in "${manuals[@]}"; do
        [[ -s "$corpus/$name.pdf" ]] || return 1
    done
}

if ! complete; then
    command -v apt-get >/dev/null || { echo "apt-get and dpkg are needed (Debian, Ubuntu)." >&2; exit 1; }
    mkdir -p "$data"
    cd "$data"
    if ! compgen -G "r-doc-pdf_*.deb" >/dev/null; then
        # apt-get download needs the package lists; refresh them only when they lack it.
        apt-cache show r-doc-pdf >/dev/null 2>&1 || apt-get update
        apt-get download r-doc-pdf
    fi
    rm -rf extract.partial r-manuals.partial
    dpkg -x r-doc-pdf_*.deb extract.partial
    mkdir r-manuals.partial
    for name in "${manuals[@]}"; do
        mv "extract.partial/usr/share/R/doc/manual/$name.pdf" r-manuals.partial/
    done
    rm -rf extract.partial "$corpus"
    mv r-manuals.partial "$corpus"  # appears whole or not at all
fi

complete || { echo "The R manuals are incomplete in $corpus." >&2; exit 1; }
echo "$corpus"
