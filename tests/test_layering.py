"""The layers of the code (README, "Layout"): thamm ← accounts ← training/candidates ← companies ←
matching ← predeparture ← portal/demo. Each package imports only the ones below it, checked by
import-linter's contract in pyproject.toml."""

import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings


def test_every_package_imports_only_the_layers_below_it():
    linter = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert linter, "import-linter is a test dependency: make install-test"
    run = subprocess.run(
        [linter, "--no-cache"], cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-1000:]
    assert "1 kept, 0 broken" in run.stdout


def test_the_contract_names_every_app_of_the_project():
    import tomllib

    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    packages = set(config["tool"]["importlinter"]["root_packages"])
    ours = {app.split(".")[0] for app in settings.INSTALLED_APPS}
    ours = {name for name in ours if (Path(settings.BASE_DIR) / name).is_dir()}
    assert ours <= packages, ours - packages
