"""Install the built .deb into a fresh root and use it as a person would, headless.

    python3 packaging/linux/smoke_test.py [dist/docnook_*.deb] [--report dist/smoke-report.json]

Standard library only, so any Python 3.9+ runs it; it never imports DocNook from the source
tree. It:

1. unpacks the .deb into a new root (`dpkg -x`) and checks what it installs: the app under
   /opt/docnook, `docnook` and `docnook-gui` on PATH, the desktop entry and its icons;
2. as root, mounts that root's /opt over /opt, read-only, in a mount namespace of its own
   (`unshare -m`; the machine's own /opt is untouched), so the launchers run exactly as
   installed and the app provably writes nothing into its installation (without root it runs
   /opt/docnook/docnook from the unpacked root instead);
3. with an empty home, data dir and environment (no Python, no venv, offscreen Qt): indexes a
   PDF it writes itself and a scanned page (`smoke-scan.pdf`, read by OCR with no network,
   `unshare -n`, then found by `docnook search`), asks a question with the bundled model
   (`docnook ask --json`) and checks that the answer cites a page; checks the bundled models
   are used in place (no copy in the data dir);
4. starts the window (`docnook-gui`, with DOCNOOK_STARTUP_PROBE=1) twice, on a fresh data dir
   and again, and measures the time until the window is shown and until the model is ready;
5. reports the .deb's size, the installed size and what takes the space.

Exit status 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parents[2]
QUESTION = "Who kept the lighthouse of Eldvik?"
# Words that packaging/linux/smoke-scan.pdf (a picture of a printed notice, no text layer) shows.
SCAN_WORDS = "ferry harbour"
PAGES = [
    "The lighthouse of Eldvik was kept by Marta Olsen, who lit its lamp every night for forty "
    "years. Her logbooks record every passing ship and every storm. " * 3,
    "The harbor was built in 1871 by the merchant guild and has three granite piers. In 1923 "
    "a storm destroyed the northern pier, which was rebuilt in stone. " * 3,
]


# -- a PDF, written by hand ------------------------------------------------------------------


def _wrap(text: str, width: int = 80) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line] if line else lines


def make_pdf(path: Path, pages: list[str], title: str) -> Path:
    """A PDF with one page of Helvetica text per entry: the smallest file PyMuPDF reads."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    objects: list[bytes] = []
    n_pages = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, text in enumerate(pages):
        body = "BT /F1 11 Tf 14 TL 56 780 Td " + " ".join(
            f"({esc(line)}) Tj T*" for line in _wrap(text)
        )
        stream = (body + " ET").encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {5 + 2 * i} 0 R "
            "/Resources << /Font << /F1 3 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(f"<< /Title ({esc(title)}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, len(objects))
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(bytes(out))
    return path


# -- running the installed app ---------------------------------------------------------------


class Installed:
    """The unpacked package, run as installed (namespace) or from where it lies (direct)."""

    def __init__(self, root: Path, work: Path) -> None:
        self.root = root
        self.work = work
        self.namespaced = os.geteuid() == 0 and shutil.which("unshare") is not None
        if self.namespaced:
            probe = subprocess.run(
                ["unshare", "-m", "sh", "-c", f"mount --bind '{root}/opt' /opt"],
                capture_output=True,
            )
            self.namespaced = probe.returncode == 0
        self.mode = "installed at /opt/docnook (read-only)" if self.namespaced else "unpacked root"

    def env(self, data: Path, **extra: str) -> dict[str, str]:
        home = self.work / "home"
        tmp = self.work / "tmp"
        home.mkdir(exist_ok=True)
        tmp.mkdir(exist_ok=True)
        env = {
            "PATH": f"{self.root}/usr/bin:/usr/bin:/bin",
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
            "DOCNOOK_DATA_DIR": str(data),
        }
        env.update(extra)
        return env

    def command(self, program: str, *args: str, offline: bool = False) -> list[str]:
        # Offline: in a network namespace of its own (`unshare -n`), with no interface but a
        # loopback that is down, so nothing could be fetched even if the app tried.
        cut = ["-n"] if offline and self.can_cut_network() else []
        if self.namespaced:
            mount = f"mount --bind '{self.root}/opt' /opt && mount -o remount,bind,ro /opt"
            shell = ["sh", "-c", mount + ' && exec "$@"', "sh"]
            return ["unshare", "-m", *cut, *shell, program, *args]
        exe = self.root / "opt" / "docnook" / "docnook"
        line = [str(exe), *(["gui"] if program == "docnook-gui" else []), *args]
        return ["unshare", *cut, *line] if cut else line

    def can_cut_network(self) -> bool:
        if os.geteuid() != 0 or shutil.which("unshare") is None:
            return False
        return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0

    def run(
        self, program: str, *args: str, data: Path, timeout: float = 600, offline: bool = False
    ) -> tuple:
        started = time.time()
        done = subprocess.run(
            self.command(program, *args, offline=offline),
            env=self.env(data),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done, time.time() - started


# -- the checks ------------------------------------------------------------------------------


class Checks:
    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        print(f"  {'ok  ' if ok else 'FAIL'} {what}{(': ' + detail) if detail else ''}")
        if not ok:
            self.failed.append(what)
        return ok


def du_kb(path: Path) -> int:
    return int(
        subprocess.run(["du", "-sk", str(path)], capture_output=True, text=True).stdout.split()[0]
    )


def biggest(root: Path, count: int = 12) -> list[tuple[str, int]]:
    """The biggest parts of the installed app: models one by one, folders, the rest."""
    app = root / "opt" / "docnook"
    internal = app / "_internal"
    sizes: dict[str, int] = {}
    for entry in internal.iterdir():
        if entry.name == "models":
            for model in entry.iterdir():
                sizes[f"models/{model.name}"] = du_kb(model)
        elif entry.is_dir() and not entry.is_symlink():
            sizes[entry.name + "/"] = du_kb(entry)
        elif not entry.is_symlink():
            sizes["(shared libraries at the top)"] = sizes.get("(shared libraries at the top)", 0)
            sizes["(shared libraries at the top)"] += entry.stat().st_size // 1024
    sizes["docnook (program)"] = (app / "docnook").stat().st_size // 1024
    return sorted(sizes.items(), key=lambda kv: -kv[1])[:count]


def gui_start(app: Installed, data: Path, timeout: float = 300) -> dict:
    """Start the window with the startup probe; seconds until each milestone."""
    env = app.env(data, DOCNOOK_STARTUP_PROBE="1")
    started = time.time()
    process = subprocess.Popen(
        app.command("docnook-gui"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
    ended = time.time()
    marks: dict = {"exit": process.returncode, "total_s": round(ended - started, 2)}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] == "docnook-probe":
            marks.setdefault(parts[1] + "_s", round(float(parts[2]) - started, 2))
    if process.returncode != 0 or "model-ready_s" not in marks:
        marks["stderr"] = err[-2000:]
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("deb", nargs="?", type=Path, help="the .deb (default: newest in dist/)")
    parser.add_argument("--report", type=Path, help="write the results here as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the temporary root")
    args = parser.parse_args(argv)
    deb = args.deb or max((ROOT_DIR / "dist").glob("docnook_*.deb"), key=os.path.getmtime)
    deb = deb.resolve()
    work = Path(tempfile.mkdtemp(prefix="docnook-smoke-"))
    root = work / "root"
    checks = Checks()
    report: dict = {"deb": str(deb), "deb_bytes": deb.stat().st_size}
    try:
        print(f"smoke test of {deb.name} ({deb.stat().st_size / 1e6:.0f} MB) in {work}")
        print("the package:")
        fields = subprocess.run(
            ["dpkg-deb", "-f", str(deb), "Package", "Version", "Installed-Size", "Depends"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        report["control"] = fields
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        exe = root / "opt/docnook/docnook"
        checks.check(os.access(exe, os.X_OK), "/opt/docnook/docnook is a program")
        link = root / "usr/bin/docnook"
        checks.check(
            link.is_symlink() and os.readlink(link) == "/opt/docnook/docnook",
            "docnook on PATH (/usr/bin/docnook -> /opt/docnook/docnook)",
        )
        gui = root / "usr/bin/docnook-gui"
        checks.check(
            os.access(gui, os.X_OK) and "/opt/docnook/docnook gui" in gui.read_text(),
            "docnook-gui on PATH",
        )
        desktop = root / "usr/share/applications/docnook.desktop"
        entry = desktop.read_text() if desktop.is_file() else ""
        checks.check("Exec=docnook-gui" in entry and "Icon=docnook" in entry, "desktop entry")
        if shutil.which("desktop-file-validate") and desktop.is_file():
            valid = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True)
            checks.check(valid.returncode == 0, "desktop entry is valid", valid.stdout.decode())
        icons = sorted(
            p.parent.parent.name for p in root.glob("usr/share/icons/hicolor/*/apps/docnook.*")
        )
        checks.check({"256x256", "scalable"} <= set(icons), "icons", ", ".join(icons))
        models = root / "opt/docnook/_internal/models"
        checks.check(
            (models / "all-MiniLM-L6-v2/model.onnx").is_file() and any(models.glob("*.gguf")),
            "the embedding model and the language model are inside",
        )
        installed_kb = du_kb(root)
        report["installed_mb"] = round(installed_kb * 1024 / 1e6, 1)
        report["biggest"] = {name: round(kb * 1024 / 1e6, 1) for name, kb in biggest(root)}
        world_writable = [
            str(p.relative_to(root))
            for p in root.rglob("*")
            if not p.is_symlink() and p.stat().st_mode & 0o002
        ]
        checks.check(not world_writable, "nothing in the install is world-writable")

        app = Installed(root, work)
        report["mode"] = app.mode
        print(f"running it ({app.mode}), with an empty home and environment, offscreen:")
        data = work / "data"
        pdf = make_pdf(work / "eldvik.pdf", PAGES, "Eldvik guide")

        done, seconds = app.run("docnook", "--help", data=data)
        report["help_s"] = round(seconds, 2)
        checks.check(
            done.returncode == 0 and "docnook" in done.stdout, "docnook --help", f"{seconds:.2f} s"
        )

        done, seconds = app.run("docnook", "index", str(pdf), "--json", data=data)
        indexed = json.loads(done.stdout) if done.returncode == 0 else {}
        report["index_s"] = round(seconds, 2)
        checks.check(
            indexed.get("indexed") == 1,
            "docnook index (a 2-page PDF)",
            f"{seconds:.1f} s" if indexed else done.stderr[-1500:],
        )

        # A scanned page (a picture, no text layer) is read by OCR, offline, with the bundle's
        # own Tesseract data; in a library of its own so the questions below are unchanged.
        scan = Path(__file__).resolve().parent / "smoke-scan.pdf"
        ocr_data = work / "data-ocr"
        offline = app.can_cut_network()
        report["ocr_offline"] = offline
        done, seconds = app.run(
            "docnook", "index", str(scan), "--json", data=ocr_data, offline=offline
        )
        report["ocr_index_s"] = round(seconds, 2)
        listed, _ = app.run("docnook", "docs", "--json", data=ocr_data, offline=offline)
        docs = json.loads(listed.stdout) if listed.returncode == 0 else []
        checks.check(
            bool(docs) and docs[0].get("status") == "indexed" and docs[0].get("ocr_pages") == 1,
            "docnook index (a scanned page, read by OCR"
            + (", no network: unshare -n)" if offline else ")"),
            f"{seconds:.1f} s" if docs else (done.stderr + listed.stderr)[-1500:],
        )
        # The words OCR read are in the index: an exact-word search (BM25, which returns
        # nothing when no passage holds the words) finds the page by words only its picture
        # shows.
        search = ("search", SCAN_WORDS, "--mode", "bm25", "--json")
        found, _ = app.run("docnook", *search, data=ocr_data, offline=offline)
        hits = json.loads(found.stdout) if found.returncode == 0 else []
        checks.check(
            bool(hits) and hits[0].get("page") == 1 and "ferry" in (hits[0].get("text") or ""),
            f"docnook search {SCAN_WORDS!r} finds the scanned page",
            (hits[0].get("text") or "")[:120] if hits else found.stderr[-1500:],
        )

        done, seconds = app.run("docnook", "ask", QUESTION, "--json", data=data)
        answer = json.loads(done.stdout) if done.returncode == 0 else {}
        report["ask_s"] = round(seconds, 2)
        report["answer"] = answer
        citations = answer.get("citations") or []
        checks.check(
            answer.get("found") is True,
            f"docnook ask {QUESTION!r} finds it",
            f"{seconds:.1f} s" if answer else done.stderr[-1500:],
        )
        checks.check(
            bool(citations)
            and all(isinstance(c.get("page"), int) and c["page"] >= 1 for c in citations)
            and citations[0].get("title") == "Eldvik guide",
            "the answer cites a page",
            ", ".join(f"[{c['n']}] {c['title']}, p. {c['page']}" for c in citations),
        )
        print(f"       answer: {(answer.get('answer') or '').strip()[:300]!r}")

        done, _ = app.run("docnook", "models", "--json", data=data)
        listed = json.loads(done.stdout) if done.returncode == 0 else []
        default = next((m for m in listed if m.get("is_default")), {})
        where = "/opt/docnook/" if app.namespaced else str(root / "opt/docnook") + "/"
        checks.check(
            str(default.get("path", "")).startswith(where),
            "the bundled language model is used in place",
            str(default.get("path")),
        )
        copies = [str(p) for p in data.rglob("*") if p.suffix in (".gguf", ".onnx")]
        checks.check(not copies, "no model copied into the data dir", ", ".join(copies))
        if not app.namespaced:
            print("  (not root: the read-only install check needs a mount namespace)")

        print("starting the window (DOCNOOK_STARTUP_PROBE=1), twice:")
        gui_data = work / "data-gui"
        runs = []
        for label in ("first start, new data dir", "second start"):
            marks = gui_start(app, gui_data)
            runs.append({"run": label, **marks})
            ok = marks["exit"] == 0 and "window-shown_s" in marks and "model-ready_s" in marks
            checks.check(
                ok,
                f"window ({label})",
                f"shown after {marks.get('window-shown_s')} s, model ready after "
                f"{marks.get('model-ready_s')} s"
                if ok
                else json.dumps(marks)[-2000:],
            )
        report["gui_starts"] = runs
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"installed size: {report.get('installed_mb')} MB; the biggest parts (MB):")
    for name, mb in (report.get("biggest") or {}).items():
        print(f"  {mb:8.1f}  {name}")
    report["failed"] = checks.failed
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print("smoke test:", "FAILED: " + "; ".join(checks.failed) if checks.failed else "passed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
