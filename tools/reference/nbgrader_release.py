"""nbgrader's own student version of tests/fixtures/assignments/key.ipynb, and nbgrader's metadata validator's verdict
on that key, on our release of it and on nbgrader's release of it. NbgraderReferenceTests compares our
`StudentVersion.Release` with what this script writes, cell by cell.

Where nbgrader comes from: its source, https://github.com/jupyter/nbgrader at commit
207a8e544968092c93af807cce6f002552c628fa (version 0.9.5), read from a git repository (bare or not) with `git archive`,
so nothing is installed from PyPI. Only the modules the release needs are imported, by path: nbgrader/__init__.py
imports the Jupyter server extensions and nbgrader/preprocessors/__init__.py imports every preprocessor, among them
the gradebook ones that need sqlalchemy, which Debian's python3 here does not have; so both packages are made as
empty modules whose __path__ is nbgrader's folder, and the modules below are imported from them as they are.

What runs, in the order of nbgrader's GenerateAssignment.preprocessors: LockCells, ClearSolutions, ClearOutput,
ClearHiddenTests, then MetadataValidatorV3 (nbgraderformat.v3, what CheckCellMetadata calls). Left out:
IncludeHeaderFooter (no header is configured), InstantiateTests (only for AUTOTEST lines, which the key has none of),
ClearMarkScheme (only for task cells), and ComputeChecksums and SaveCells, which write nbgrader's gradebook database
and add a "checksum" and "cell_type" to each graded cell's metadata for it; our grader compares a submission with the
key instead of a checksum.

Configured as a teacher who uses nbgrader with the .NET Interactive C# kernel would (kernelspec language "C#"):
    c.ClearSolutions.code_stub = {"C#": STUB}    # our stub, its exercise number written N (ours counts exercises)
    c.ClearSolutions.begin_solution_delimeter = "// ### BEGIN SOLUTION"    (and END SOLUTION, BEGIN/END HIDDEN TESTS)
nbgrader takes any line that contains a delimiter for a marker (`delimiter in line`), indents the stub as the BEGIN
line's leading whitespace, and replaces a solution cell without a region whole (the code stub, or for markdown its
text_stub "YOUR ANSWER HERE"). The release is run a second time with nbgrader's default delimiters ("BEGIN SOLUTION",
...) and must come out the same, so the key releases alike whichever way the teacher configured them.

Needs Debian's python3 with: apt-get install python3-nbconvert python3-nbformat python3-traitlets python3-jsonschema
python3-dateutil python3-tornado python3-setuptools (nbgrader/utils.py imports the last three). Rerun from the
repository root after changing the key or the release code:

    /usr/bin/python3 tools/reference/nbgrader_release.py --nbgrader-git /path/to/nbgrader/.git

It runs `./curriculum assignment release` for our version, and writes
    tests/fixtures/assignments/key.nbgrader-release.ipynb    nbgrader's student version (nbformat.write)
    tests/fixtures/assignments/key.nbgrader-validation.json  each validated notebook: its sha256 and the verdict; and
                                                             the verdict on each cell metadata of METADATA_CASES
"""
import argparse
import copy
import hashlib
import importlib
import json
import os
import subprocess
import sys
import tempfile
import types

import nbformat
from traitlets.config import Config

FIXTURES = os.path.join("tests", "fixtures", "assignments")
KEY = os.path.join(FIXTURES, "key.ipynb")
NBGRADER_RELEASE = os.path.join(FIXTURES, "key.nbgrader-release.ipynb")
VALIDATION = os.path.join(FIXTURES, "key.nbgrader-validation.json")
STUB = '// Your code here (replace the line below).\nthrow new NotImplementedException("exercise N");'
OUR_DELIMITERS = {
    "ClearSolutions": {"begin_solution_delimeter": "// ### BEGIN SOLUTION", "end_solution_delimeter": "// ### END SOLUTION"},
    "ClearHiddenTests": {"begin_test_delimeter": "// ### BEGIN HIDDEN TESTS", "end_test_delimeter": "// ### END HIDDEN TESTS"},
}


def extract(git_dir, into):
    """nbgrader's preprocessors, metadata format and utils at the repository's HEAD; returns (source root, commit)."""
    commit = subprocess.run(["git", "-C", git_dir, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    paths = ["nbgrader/preprocessors", "nbgrader/nbgraderformat", "nbgrader/utils.py", "nbgrader/_version.py"]
    archive = subprocess.run(["git", "-C", git_dir, "archive", commit, *paths], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return into, commit


def import_nbgrader(root):
    """The nbgrader modules the release needs, without running the two package __init__ files (see the docstring)."""
    for name, folder in [("nbgrader", "nbgrader"), ("nbgrader.preprocessors", "nbgrader/preprocessors")]:
        package = types.ModuleType(name)
        package.__path__ = [os.path.join(root, folder)]
        sys.modules[name] = package
    base = importlib.import_module("nbgrader.preprocessors.base")
    sys.modules["nbgrader.preprocessors"].NbGraderPreprocessor = base.NbGraderPreprocessor
    m = types.SimpleNamespace(version=importlib.import_module("nbgrader._version").__version__)
    m.LockCells = importlib.import_module("nbgrader.preprocessors.lockcells").LockCells
    m.ClearSolutions = importlib.import_module("nbgrader.preprocessors.clearsolutions").ClearSolutions
    m.ClearOutput = importlib.import_module("nbgrader.preprocessors.clearoutput").ClearOutput
    m.ClearHiddenTests = importlib.import_module("nbgrader.preprocessors.clearhiddentests").ClearHiddenTests
    m.MetadataValidatorV3 = importlib.import_module("nbgrader.nbgraderformat.v3").MetadataValidatorV3
    return m


def release(nbg, key, delimiters):
    """nbgrader's generate-assignment steps on a copy of the key (see the docstring for the order and what is left out)."""
    config = Config({"ClearSolutions": {"code_stub": {"C#": STUB}}})
    for section, values in delimiters.items():
        config[section].update(values)
    nb, resources = copy.deepcopy(key), {}
    for step in (nbg.LockCells, nbg.ClearSolutions, nbg.ClearOutput, nbg.ClearHiddenTests):
        nb, resources = step(config=config).preprocess(nb, resources)
    return nb


def meta(**fields):
    """nbgrader cell metadata: a valid read-only cell, changed by `fields` (None removes a key)."""
    m = {"grade": False, "grade_id": "cell-1", "locked": True, "schema_version": 3, "solution": False, "task": False}
    m.update(fields)
    return {k: v for k, v in m.items() if v is not None}


# Cell metadata nbgrader's validator is asked about one at a time; NbgraderCell must accept exactly the valid ones.
METADATA_CASES = [
    ("code", meta()),
    ("code", meta(grade=True, points=0)),
    ("code", meta(grade=True, points=1.5, checksum="0123456789abcdef0123456789abcdef", cell_type="code")),
    ("code", meta(grade=False, locked=False, grade_id=None)),
    ("markdown", meta(grade=True, solution=True, locked=False, points=2)),
    ("code", meta(schema_version=None)),
    ("code", meta(schema_version=2)),
    ("code", meta(locked=None)),
    ("code", meta(solution=None)),
    ("code", meta(hint="use a loop")),
    ("code", meta(grade="yes")),
    ("code", meta(grade_id="")),
    ("code", meta(grade_id=None)),
    ("code", meta(grade_id="übung 1")),
    ("code", meta(grade_id="a.b")),
    ("code", meta(grade=True)),
    ("code", meta(grade=True, points=-1)),
    ("code", meta(grade=True, points="2")),
    ("markdown", meta(grade=True, points=1)),
    ("markdown", meta(solution=True, locked=False)),
    ("code", meta(task=True)),
]


def verdict(nbg, nb):
    """What nbgrader's CheckCellMetadata concludes: "valid", or the validator's error."""
    try:
        nbg.MetadataValidatorV3().validate_nb(nb)
        return "valid"
    except Exception as e:   # ValidationError, SchemaTooOldError, SchemaTooNewError
        return f"{type(e).__name__}: {str(e).splitlines()[0]}"   # jsonschema's message, without its schema dump


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nbgrader-git", required=True, help="a git repository of https://github.com/jupyter/nbgrader")
    parser.add_argument("--curriculum", default="./curriculum", help="the curriculum command (default ./curriculum)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root, commit = extract(args.nbgrader_git, tmp)
        nbg = import_nbgrader(root)
        key = nbformat.read(KEY, as_version=4)

        theirs = release(nbg, key, OUR_DELIMITERS)
        if release(nbg, key, {}) != theirs:
            sys.exit("nbgrader's default delimiters release the key differently from '// ### BEGIN SOLUTION' ...")
        nbformat.write(theirs, NBGRADER_RELEASE)

        ours_dir = os.path.join(tmp, "ours")
        subprocess.run([args.curriculum, "assignment", "release", KEY, "--out", ours_dir], check=True)
        ours = os.path.join(ours_dir, "key.ipynb")

        validated = []
        for name, path in [("key.ipynb", KEY), ("key.ipynb released by curriculum assignment release", ours),
                           ("key.nbgrader-release.ipynb", NBGRADER_RELEASE)]:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
            validated.append({"notebook": name, "sha256": sha256(path), "verdict": verdict(nbg, nb)})
            print(f"{validated[-1]['verdict']}: {name}")
        cases = []
        for cell_type, metadata in METADATA_CASES:
            cell = (nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell)("x")
            cell.metadata["nbgrader"] = copy.deepcopy(metadata)
            cases.append({"cell_type": cell_type, "nbgrader": metadata, "verdict": verdict(nbg, nbformat.v4.new_notebook(cells=[cell]))})
    record = {
        "made_by": "/usr/bin/python3 tools/reference/nbgrader_release.py --nbgrader-git NBGRADER_GIT_DIR",
        "nbgrader": {"repository": "https://github.com/jupyter/nbgrader", "commit": commit, "version": nbg.version},
        "validator": "nbgrader.nbgraderformat.v3.MetadataValidatorV3().validate_nb",
        "validated": validated,
        "metadata_cases": cases,
    }
    with open(VALIDATION, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {NBGRADER_RELEASE} and {VALIDATION} (nbgrader {nbg.version} at {commit})")


if __name__ == "__main__":
    main()
