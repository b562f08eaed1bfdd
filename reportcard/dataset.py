"""The validated tables of one data folder, as typed pandas frames."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .contract import Package
from .schema_check import CheckedTable
from .tables import resource_path


@dataclass
class Dataset:
    folder: Path
    packages: dict[str, Package] = field(default_factory=dict)
    tables: dict[tuple[str, str], CheckedTable] = field(default_factory=dict)
    _frames: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict, repr=False)

    def frame(self, package: str, resource: str, needs: list[str] | None = None) -> pd.DataFrame | None:
        """Non-blank rows with a `_row` column (spreadsheet numbering); None if the table or a needed column is missing.

        Built once per table: every rule asks for observations, and copying millions of rows each time showed up.
        Callers must not modify the frame they get.
        """
        table = self.tables.get((package, resource))
        if table is None or any(n not in table.checked_fields for n in needs or []):
            return None
        if (package, resource) not in self._frames:
            frame = table.frame.assign(_row=table.row_numbers)
            self._frames[(package, resource)] = frame[~table.blank].reset_index(drop=True) if table.blank.any() else frame
        return self._frames[(package, resource)]

    def resource_path(self, package: str, resource: str) -> Path | None:
        pkg = self.packages.get(package)
        descriptor = pkg.resource(resource) if pkg else None
        return resource_path(pkg.folder, descriptor) if descriptor else None


def outside(values: pd.Series, known: set) -> pd.Series:
    """True where a present value is not in `known`; judged once per distinct value."""
    distinct = values.dropna().unique()
    missing = [v for v in distinct if str(v) not in known]
    return values.isin(missing) if missing else pd.Series(False, index=values.index)
