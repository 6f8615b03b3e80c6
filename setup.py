"""Package list for setuptools (everything else is in pyproject.toml).

`migrations/` stays at the top of the repository (Alembic's usual place, and the project's
fixed layout) and is shipped inside the wheel as `smsapp.migrations`.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["smsapp", "smsapp.*"]), "smsapp.migrations",
              "smsapp.migrations.versions"],
    package_dir={"smsapp.migrations": "migrations"},
)  # fmt: skip
