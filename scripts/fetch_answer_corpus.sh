#!/usr/bin/env bash
# Fetch the documents of the labelled answer set (benchmarks/answers/) into
# benchmarks/data/answers-corpus/: ten PDFs, 453 pages, of two kinds, none written here.
#   manuals: R-intro, R-data, R-FAQ and R-admin from Debian's r-doc-pdf;
#   papers:  the Journal of Statistical Software-style vignettes that Debian's R packages ship
#            (zoo, sandwich, pscl's countreg, strucchange, lme4's lmer, party).
# Package names are pinned, versions are not: benchmarks/answers/questions.jsonl records each
# PDF's sha256, and the benchmark refuses to score questions on a document that changed.
# Idempotent: a second run only prints where the PDFs are.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data="$root/benchmarks/data"
corpus="$data/answers-corpus"

# package, then the PDFs it holds (paths inside the package) that the set uses
sources=(
    "r-doc-pdf usr/share/R/doc/manual/R-intro.pdf usr/share/R/doc/manual/R-data.pdf usr/share/R/doc/manual/R-FAQ.pdf usr/share/R/doc/manual/R-admin.pdf"
    "r-cran-zoo usr/lib/R/site-library/zoo/doc/zoo.pdf"
    "r-cran-sandwich usr/lib/R/site-library/sandwich/doc/sandwich.pdf"
    "r-cran-pscl usr/lib/R/site-library/pscl/doc/countreg.pdf"
    "r-cran-strucchange usr/lib/R/site-library/strucchange/doc/strucchange-intro.pdf"
    "r-cran-lme4 usr/lib/R/site-library/lme4/doc/lmer.pdf"
    "r-cran-party usr/lib/R/site-library/party/doc/party.pdf"
)

complete() {
    local entry pdf
    for entry in "${sources[@]}"; do
        for pdf in ${entry#* }; do
            [[ -s "$corpus/$(basename "$pdf")" ]] || return 1
        done
    done
}

if ! complete; then
    command -v apt-get >/dev/null || { echo "apt-get and dpkg are needed (Debian, Ubuntu)." >&2; exit 1; }
    mkdir -p "$data"
    cd "$data"
    for entry in "${sources[@]}"; do
        package="${entry%% *}"
        if ! compgen -G "${package}_*.deb" >/dev/null; then
            # apt-get download needs the package lists; refresh them only when they lack it.
            apt-cache show "$package" >/dev/null 2>&1 || apt-get update
            apt-get download "$package"
        fi
    done
    rm -rf answers-extract.partial answers-corpus.partial
    mkdir answers-corpus.partial
    for entry in "${sources[@]}"; do
        package="${entry%% *}"
        dpkg -x "${package}"_*.deb answers-extract.partial
        for pdf in ${entry#* }; do
            mv "answers-extract.partial/$pdf" answers-corpus.partial/
        done
        rm -rf answers-extract.partial
    done
    rm -rf "$corpus"
    mv answers-corpus.partial "$corpus"  # appears whole or not at all
fi

complete || { echo "The answer-set documents are incomplete in $corpus." >&2; exit 1; }
echo "$corpus"
