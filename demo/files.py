"""The demo data files (demo/data/*.toml), read once per process."""

import tomllib
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def read(name: str) -> dict:
    """The contents of demo/data/<name>.toml."""
    with (DATA_DIR / f"{name}.toml").open("rb") as file:
        return tomllib.load(file)


class DemoDataError(ValueError):
    """A data file names something that is not there (an organisation, a company, a job...)."""


def check(condition: bool, file: str, message: str) -> None:
    if not condition:
        raise DemoDataError(f"demo/data/{file}.toml: {message}")
