"""Reader for the PAKDD 2010 credit-card application files.

The files are tab-separated with no header, latin-1 encoded, CRLF line ends, and use
``NULL`` or a single space for missing values. Column names come from the variable list
(``PAKDD2010_VariablesList.csv``), whose copy already renames the 44th column (the
original repeats ``EDUCATION_LEVEL``) to ``MATE_EDUCATION_LEVEL``; the target column
``TARGET_LABEL_BAD=1`` is renamed ``TARGET_LABEL_BAD``.

Cleaning rules, applied identically to all three files so later batches match the
modelling file:

- every cell is stripped; ``NULL``, an empty string and a lone space become missing;
- numeric columns of the spec are parsed with :func:`pandas.to_numeric` (a value that
  does not parse raises :class:`~data.errors.DatasetError` naming column and row);
- text columns are upper-cased so ``Fortaleza`` and ``FORTALEZA`` are one city;
- ``ID_CLIENT`` stays text; the spec's ``drop`` columns (constant in the modelling
  file) are removed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from data.errors import DatasetError
from data.spec import DatasetSpec, load_spec

PakddFile = Literal["modeling", "leaderboard", "prediction"]

FILES: dict[str, str] = {
    "modeling": "PAKDD2010_Modeling_Data.txt",
    "leaderboard": "PAKDD2010_Leaderboard_Data.txt",
    "prediction": "PAKDD2010_Prediction_Data.txt",
}
VARIABLES_FILE = "PAKDD2010_VariablesList.csv"
TARGET = "TARGET_LABEL_BAD"
MISSING = ("", "NULL")


def read_variable_list(directory: Path) -> pd.DataFrame:
    """The organisers' variable list: ``Var_Id``, ``Var_Title``, ``Var_Description``, ...

    Raises
    ------
    DatasetError
        When the file is absent.
    """
    path = Path(directory) / VARIABLES_FILE
    if not path.is_file():
        raise DatasetError(
            f"PAKDD 2010 variable list not found at {path}; set LENDSCOPE_PAKDD_DIR or pass "
            "the folder holding the PAKDD 2010 files."
        )
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["Var_Title"] = table["Var_Title"].str.strip().replace({"TARGET_LABEL_BAD=1": TARGET})
    return table


def column_names(directory: Path) -> list[str]:
    """The 54 column names of the modelling file, in file order (target last)."""
    return read_variable_list(directory)["Var_Title"].tolist()


def _clean(raw: pd.DataFrame, spec: DatasetSpec, source: str) -> pd.DataFrame:
    frame = raw.apply(lambda col: col.str.strip())
    frame = frame.mask(frame.isin(MISSING))
    numeric = set(spec.numeric_features) | {c for c in spec.protected if c == "AGE"}
    if TARGET in frame.columns:
        numeric.add(TARGET)
    for column in frame.columns:
        if column == spec.id_column:
            frame[column] = frame[column].astype("string")
        elif column in numeric:
            parsed = pd.to_numeric(frame[column], errors="coerce")
            bad = parsed.isna() & frame[column].notna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 1
                raise DatasetError(
                    f"{source}: column {column!r} must be numeric; got "
                    f"{frame[column].iloc[row - 1]!r} on line {row}."
                )
            frame[column] = parsed.astype("float64")
        else:
            frame[column] = frame[column].str.upper().astype("string")
    if TARGET in frame.columns:
        frame[TARGET] = frame[TARGET].astype("int64")
    return frame.drop(columns=[c for c in spec.drop if c in frame.columns])


def read_pakdd(directory: Path, which: PakddFile = "modeling") -> pd.DataFrame:
    """Read one PAKDD 2010 file into a cleaned frame.

    Parameters
    ----------
    directory : Path
        Folder holding the PAKDD 2010 files and the variable list.
    which : {"modeling", "leaderboard", "prediction"}
        The labelled modelling file (50,000 rows, 54 columns) or one of the unlabelled
        later batches (20,000 rows each, no target column).

    Returns
    -------
    pandas.DataFrame
        One row per application; ``ID_CLIENT`` as text, numeric spec features as floats,
        other columns as upper-cased text, ``TARGET_LABEL_BAD`` (modelling file only) 0/1.
    """
    if which not in FILES:
        raise DatasetError(f"`which` must be one of {list(FILES)}; got {which!r}.")
    directory = Path(directory)
    path = directory / FILES[which]
    if not path.is_file():
        raise DatasetError(
            f"PAKDD 2010 file {FILES[which]} not found in {directory}; set LENDSCOPE_PAKDD_DIR "
            "or pass the folder holding the PAKDD 2010 files."
        )
    names = column_names(directory)
    if which != "modeling":
        names = names[:-1]
    raw = pd.read_csv(
        path,
        sep="\t",
        header=None,
        names=names,
        encoding="latin-1",
        dtype=str,
        keep_default_na=False,
        quoting=3,
    )
    if raw.shape[1] != len(names):
        raise DatasetError(
            f"{FILES[which]} must have {len(names)} columns; got {raw.shape[1]}."
        )
    return _clean(raw, load_spec("pakdd2010"), FILES[which])
