"""Every error unkept reports, rooted in `UnkeptError`, each with the exit status it ends with.

Library code raises these with a message that already names the file, line and field where
there is one; only the command line (`generator.cli`) prints them and turns them into exit
statuses, in one place. An exception outside this hierarchy is a bug, shown as a traceback.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.load.problems import Problem


class ExitStatus(IntEnum):
    """How a command ends."""

    OK = 0
    """All is well."""
    INVALID = 1
    """The data is invalid, or the work failed (a build, a service)."""
    USAGE = 2
    """The command itself is wrong: an unknown option, a missing path, a bad setting."""


class UnkeptError(Exception):
    """Something unkept cannot do; `str(error)` is the whole message, fit to print."""

    exit_status: ExitStatus = ExitStatus.INVALID


class UsageError(UnkeptError):
    """The command asked for something that does not exist or cannot be done."""

    exit_status = ExitStatus.USAGE


class SettingsError(UsageError):
    """`unkept.toml` or `mkdocs.yml` is unreadable or holds a value of the wrong kind."""


class GitError(UsageError):
    """git is missing, or refused a command (an unknown ref, not a repository)."""


class InvalidData(UnkeptError):
    """Contributors' files have problems; the command stops before using any of them."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class TemplateError(UnkeptError):
    """The site's templates or interface strings are missing or inconsistent."""


class BuildFailed(UnkeptError):
    """The site could not be built; the previous site is still in place."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class WorkerDied(UnkeptError):
    """A worker process ended without finishing its work (killed, or out of memory)."""

    def __init__(self, exitcode: int | None) -> None:
        code = f" (exit code {exitcode})" if exitcode is not None else ""
        super().__init__(
            f"a worker process ended without finishing its work{code}: "
            "killed, or out of memory; nothing it was making was kept"
        )


class ArchiveFileError(UnkeptError):
    """`archive/evidence.json` is not what `unkept archive` writes."""


class FormError(UnkeptError):
    """An issue form's answers cannot make a case: every problem, each in the words of the
    form's question (`Promise 2: When did the brand make the promise?: expected ...`)."""

    def __init__(self, message: str, answers: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.answers = tuple(answers)


class ServiceError(UnkeptError):
    """A request to a service failed for good (after retries); the message is safe to print."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        """The HTTP status of the last answer, when there was one."""


class NotFound(ServiceError):
    """The service answered 404: what was asked for does not exist."""


class BudgetExhausted(ServiceError):
    """The run's maximum number of requests was reached."""


def os_error_text(exc: OSError, root: Path) -> str:
    """`.unkept-cache/render-index.json: Not a directory`: the file, relative, and why."""
    name = exc.filename
    if name is None:
        return exc.strerror or str(exc)
    with contextlib.suppress(ValueError):  # outside the project: the absolute path
        name = Path(os.path.abspath(name)).relative_to(root.absolute()).as_posix()
    return f"{name}: {exc.strerror or exc}"
