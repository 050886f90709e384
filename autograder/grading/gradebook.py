"""The working course's nbgrader configuration and gradebooks, shared by the main process of
``python -m autograder grade`` (:mod:`autograder.grading.grade`, which builds the course) and its
workers (:mod:`autograder.grading.worker`, each on its own copy): what both need lives here, so
neither imports the other.
"""

from __future__ import annotations

import contextlib
import os

from autograder.grading import course

COURSE_CONFIG = os.path.join(course.PACKAGE, "nbgrader_config.py")

CONFIG_TEMPLATE = """# Working course of `python -m autograder grade` (generated, then deleted).
c = get_config()  # noqa: F821
load_subconfig({course_config!r})  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.Execute.timeout = {timeout}
c.SandboxedExecute.notebook_timeout = {notebook_timeout}
# nbgrader's HTML exporter, its templates compiled once per worker (same pages, less work).
c.GenerateFeedback.exporter_class = "autograder.grading.feedback_html.FeedbackHTMLExporter"
"""


def write_config(root: str, settings: dict) -> None:
    """The working course's nbgrader_config.py (the course's config plus this run's limits)."""
    with open(os.path.join(root, "nbgrader_config.py"), "w") as f:
        f.write(
            CONFIG_TEMPLATE.format(
                course_config=COURSE_CONFIG,
                root=root,
                timeout=settings["timeout"],
                notebook_timeout=settings["notebook_timeout"],
            )
        )


def load_api(root: str):
    """nbgrader's Python API on the course at ``root``."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    coursedir = CourseDirectory(config=config)
    return NbGraderAPI(coursedir=coursedir, config=config)


def alembic_head() -> str:
    """The schema version nbgrader stamps on a new gradebook, read in this process.

    nbgrader finds it by running the ``alembic heads`` command in a new Python
    (``nbgrader.api.get_alembic_version``): about 4 s on the 2-core machine, the largest fixed
    cost of a grading run. alembic's ``ScriptDirectory`` reads the same migrations in about
    0.2 s; ``tests/test_autograder_units.py`` checks that both give the same answer.
    """
    import nbgrader
    from alembic.script import ScriptDirectory

    migrations = os.path.join(os.path.dirname(nbgrader.__file__), "alembic")
    head = ScriptDirectory(migrations).get_current_head()
    if head is None:
        raise RuntimeError(f"nbgrader's migrations in {migrations} have no head revision")
    return head


@contextlib.contextmanager
def gradebook_stamp_in_process():
    """While building the template, nbgrader stamps its new gradebook with :func:`alembic_head`."""
    import nbgrader.api

    original = nbgrader.api.get_alembic_version
    nbgrader.api.get_alembic_version = alembic_head
    try:
        yield
    finally:
        nbgrader.api.get_alembic_version = original


def _no_fsync(dbapi_connection, connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=OFF")


def skip_gradebook_fsync() -> None:
    """From now on the gradebooks this process opens commit without fsync (SQLite
    ``synchronous=OFF``).

    Only for the run's scratch gradebooks (the template's and each worker's copy, in the private
    work folder deleted at the end): what must survive a crash is the journal in OUT
    (:mod:`autograder.grading.journal`). nbgrader commits about 40 times per notebook, each an
    fsync.
    """
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not event.contains(Engine, "connect", _no_fsync):
        event.listen(Engine, "connect", _no_fsync)


@contextlib.contextmanager
def scratch_gradebooks():
    """:func:`skip_gradebook_fsync` for the duration of the block (in the main process)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    skip_gradebook_fsync()
    try:
        yield
    finally:
        event.remove(Engine, "connect", _no_fsync)
