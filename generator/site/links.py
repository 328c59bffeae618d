"""The ways in from the site to the tracker's repository on GitHub, for readers who have a
GitHub account and a browser but no git: the issue form, GitHub's web editor opened on a new
case file (pre-filled with the template), a case's edit page, and a problem report."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

ISSUE_FORM = "new-case.yml"


@dataclass(frozen=True)
class GitHubLinks:
    """Links into one repository; all empty when the tracker names none."""

    repository: str
    """owner/name, or "" when unknown."""
    cases_dir: str = "cases"
    template: str = ""
    """The case template's text, which the web editor opens pre-filled with."""
    branch: str = "main"
    form: str = ISSUE_FORM
    """The issue form in the site's language (`new-case.fr.yml`), else the English one."""

    @property
    def enabled(self) -> bool:
        return bool(self.repository)

    @property
    def base(self) -> str:
        return f"https://github.com/{self.repository}"

    def report_case(self) -> str:
        """The new-case issue form."""
        return f"{self.base}/issues/new?{urlencode({'template': self.form})}"

    def write_case(self, brand: str | None = None) -> str:
        """GitHub's editor on a new case file, under `brand`'s folder when it is known (the
        file's name is the case id: the writer makes it their own)."""
        folder = f"{self.cases_dir}/{brand}" if brand else self.cases_dir
        name = f"{brand}-your-case.yml" if brand else "brand-name/brand-name-your-case.yml"
        value = self.template.replace("$schema=../generator/", "$schema=../../generator/")
        query = urlencode({"filename": name, "value": value}, quote_via=quote)
        return f"{self.base}/new/{self.branch}/{quote(folder)}?{query}"

    def edit_case(self, file: str) -> str:
        """GitHub's editor on an existing case file (its submitter proposes the change)."""
        return f"{self.base}/edit/{self.branch}/{quote(file)}"

    def report_problem(self, title: str, page_url: str) -> str:
        """A new issue about one page, its address already written."""
        query = urlencode({"title": title, "body": f"Page: {page_url}\n\n"}, quote_via=quote)
        return f"{self.base}/issues/new?{query}"
