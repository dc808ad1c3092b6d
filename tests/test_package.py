"""relmap installed like any package (a wheel, not ``pip install -e``) still does its main job:
the example story and the dashboard's files ship inside it.

The wheel is built from this checkout and installed, without its dependencies, into a fresh
virtual environment that borrows the test environment's dependencies (a ``.pth`` line, which
does not carry over this checkout's editable install). Commands then run from an empty folder,
so nothing of the checkout is importable.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a fresh environment with relmap installed from its wheel."""
    work = tmp_path_factory.mktemp("package")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", str(ROOT), "-w", str(work)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next(work.glob("relmap-*.whl"))
    env_dir = work / "env"
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q",
                           "--target", str(site), str(wheel)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return python


def test_the_installed_package_loads_the_example_story(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed), "-c", "import relmap, dashboard; print(relmap.__file__, dashboard.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert all(str(installed.parent.parent) in path for path in where), where  # not this checkout
    demo = subprocess.run([str(installed), "-m", "relmap", "demo", "--no-dashboard", "--store", "story", "--json"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert demo.returncode == 0, demo.stderr
    counts = json.loads(demo.stdout)["counts"]
    assert (counts["people"], counts["organisations"], counts["deals"]) == (50, 10, 24)
    risk = subprocess.run([str(installed), "-m", "relmap", "risk", "--store", "story", "--as-of", "2026-11-26",
                           "--json", "--limit", "1"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert json.loads(risk.stdout)["accounts"][0]["name"] == "Telco Meridian"


def test_the_installed_dashboard_has_its_settings_and_icon(installed: Path, tmp_path: Path) -> None:
    """The app, its Streamlit settings (no Deploy button) and the tab's icon are in the package."""
    found = subprocess.run([str(installed), "-c",
                            "from relmap.cli.serve import DASHBOARD_APP as a; "
                            "print(a.is_file(), (a.parent / '.streamlit' / 'config.toml').read_text(), "
                            "(a.parent / 'icon.svg').is_file())"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("True ") and found.stdout.rstrip().endswith("True")
    assert 'toolbarMode = "viewer"' in found.stdout
