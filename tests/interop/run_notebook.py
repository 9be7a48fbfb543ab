"""Executes examples/dataset.ipynb top to bottom on a corvid dataset, as a user would run it
in Jupyter, and fails if any cell raises (the notebook's cells assert what they show).

Usage: python3 tests/interop/run_notebook.py OUT [NOTEBOOK]
  OUT       corvid analyze's -o folder (the notebook reads it from CORVID_OUT)
  NOTEBOOK  defaults to examples/dataset.ipynb

Run by tests/notebook.rs (cargo test) after `python3 -m pip install -r
tests/interop/requirements.txt` (nbclient, nbformat, ipykernel, matplotlib, polars, duckdb).

The kernel is this interpreter (`sys.executable -m ipykernel_launcher`) through a
`python3` kernel spec written to a temporary folder: whatever kernels the machine has
registered (none on a clean CI machine, or a `python3` of another environment that lacks
the packages), the notebook runs with the packages this script was installed with. The
notebook runs in a temporary working folder, gets OUT as an absolute path, and must write
nothing: neither there nor in OUT (checked after the run). Exit status 0 when every cell
ran, 1 when a cell failed (its source and traceback are printed), 2 on bad usage. The last
line printed on success is `notebook executed: N cells` (N code cells).
"""
import atexit
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[2]
CELL_TIMEOUT_S = 120
STARTUP_TIMEOUT_S = 60
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # IPython colours its tracebacks


def tree(folder: Path) -> dict:
    """Every file under `folder` with its size and modification time."""
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def kernel_manager(kernels: Path) -> KernelManager:
    """A manager for a `python3` kernel running this interpreter, whatever is registered."""
    spec = kernels / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (corvid tests)",
        "language": "python",
    }))
    ksm = KernelSpecManager(kernel_dirs=[str(kernels)])
    return KernelManager(kernel_name="python3", kernel_spec_manager=ksm)


def main(argv: list) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[1]).resolve()
    notebook = Path(argv[2]).resolve() if len(argv) == 3 else ROOT / "examples" / "dataset.ipynb"
    if not (out / "dataset").is_dir():
        print(f"run_notebook: {out}/dataset not found (run `corvid analyze BUNDLE -o {out}` first)", file=sys.stderr)
        return 2
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")

    before = tree(out)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="corvid-notebook-") as tmp:
        tmp = Path(tmp)
        cwd = tmp / "cwd"
        cwd.mkdir()
        # The kernel inherits this environment. Jupyter's runtime files (the connection
        # file) and IPython's profile and history go to the temporary folder; debugpy's
        # warning about frozen modules is noise.
        os.environ.update({
            "CORVID_OUT": str(out),
            "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
            "IPYTHONDIR": str(tmp / "ipython"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        })
        km = kernel_manager(tmp / "kernels")
        client = NotebookClient(
            nb,
            km=km,
            timeout=CELL_TIMEOUT_S,
            startup_timeout=STARTUP_TIMEOUT_S,
            allow_errors=False,
            resources={"metadata": {"path": str(cwd)}},
        )
        # The kernel's own stderr (ipykernel's start-up warnings, or why it died) is shown
        # only when the run fails.
        kernel_log = tmp / "kernel-stderr.txt"
        with open(kernel_log, "wb") as log:
            try:
                # cleanup_kc: shut the kernel down at the end although the manager is ours.
                client.execute(cleanup_kc=True, stderr=log)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                failed = f"{notebook.name} failed:\n{ANSI.sub('', str(e))}"
            except Exception as e:  # the kernel did not start: no ipykernel, a broken environment
                failed = f"the kernel did not run ({type(e).__name__}: {e})"
            else:
                failed = None
            finally:
                # A kernel that failed to start leaves nbclient's exit hook behind (it would
                # trip on the manager it already dropped); make sure no kernel outlives us.
                atexit.unregister(client._cleanup_kernel)
                if km.has_kernel:
                    km.shutdown_kernel(now=True)
        if failed:
            kernel_err = "\n".join(line for line in kernel_log.read_text(errors="replace").splitlines()
                                   if "running over TCP without encryption" not in line).strip()
            print(f"run_notebook: {failed}", file=sys.stderr)
            if kernel_err:
                print(f"kernel stderr:\n{kernel_err}", file=sys.stderr)
            return 1
        stray = sorted(str(p.relative_to(cwd)) for p in cwd.rglob("*"))
    elapsed = time.monotonic() - started

    failures = []
    if stray:
        failures.append(f"the notebook wrote files in its working folder: {stray}")
    after = tree(out)
    if after != before:
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        failures.append(f"the notebook changed files in {out}: {changed[:10]}")
    executed = [c for c in nb.cells if c.cell_type == "code"]
    not_run = [i for i, c in enumerate(executed, 1) if c.get("execution_count") is None]
    if not_run:
        failures.append(f"code cells not executed: {not_run}")
    figures = 0
    for i, c in enumerate(executed, 1):
        for o in c.get("outputs", []):
            if o.get("output_type") in ("display_data", "execute_result") and "image/png" in o.get("data", {}):
                figures += 1
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                print(f"[cell {i} stderr] {o.get('text', '').rstrip()}", file=sys.stderr)
    if figures < 2:
        failures.append(f"{figures} inline figure(s); the timeline and the incident should draw 2")
    if failures:
        for f in failures:
            print(f"run_notebook: {f}", file=sys.stderr)
        return 1
    print(f"{notebook.name}: {figures} figures, {elapsed:.1f} s")
    print(f"notebook executed: {code_cells} cells")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
