"""The few GitHub REST API calls Unkept makes, over `WebClient` (tests use a local server)."""

from __future__ import annotations

import base64
import contextlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from generator.errors import NotFound, ServiceError
from generator.github.http import WebClient

API_VERSION = "2022-11-28"


def field(answer: Any, *keys: str | int, what: str = "") -> Any:
    """`answer[key1][key2]...`, or a ServiceError saying the answer had another shape (a
    changed or hostile service is a message, never a traceback)."""
    value = answer
    for key in keys:
        try:
            value = value[key]
        except (KeyError, IndexError, TypeError):
            path = "".join(f"[{k!r}]" for k in keys)
            raise ServiceError(f"{what or 'GitHub'}: expected an answer with {path}") from None
    return value


@dataclass
class GitHub:
    """One repository on GitHub."""

    client: WebClient
    repo: str
    """owner/name."""

    def __post_init__(self) -> None:
        self.client.session.headers["Accept"] = "application/vnd.github+json"
        self.client.session.headers["X-GitHub-Api-Version"] = API_VERSION

    def _path(self, path: str) -> str:
        return f"repos/{self.repo}/{path.lstrip('/')}"

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.json("GET", self._path(path), **kwargs)

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        return self.client.json("POST", self._path(path), json=payload)

    def patch(self, path: str, payload: dict[str, Any]) -> Any:
        return self.client.json("PATCH", self._path(path), json=payload)

    def put(self, path: str, payload: dict[str, Any]) -> Any:
        return self.client.json("PUT", self._path(path), json=payload)

    def pages(self, path: str, params: dict[str, Any], limit: int = 10) -> list[Any]:
        """Every item of a paginated list (at most `limit` pages of 100)."""
        items: list[Any] = []
        for page in range(1, limit + 1):
            batch = self.get(path, params={**params, "per_page": 100, "page": page})
            if not isinstance(batch, list):
                raise ServiceError(f"GET {path}: expected a list, got {type(batch).__name__}")
            items.extend(batch)
            if len(batch) < 100:
                break
        return items

    # Issues -------------------------------------------------------------------------------
    def open_issues(self, label: str) -> list[dict[str, Any]]:
        """Open issues with `label` (pull requests excluded)."""
        issues = self.pages("issues", {"state": "open", "labels": label})
        return [
            i
            for i in issues
            if isinstance(i, dict)
            and "pull_request" not in i
            and isinstance(i.get("number"), int)  # an answer of another shape is no issue
            and isinstance(i.get("body") or "", str)
        ]

    def create_issue(self, title: str, body: str, labels: list[str]) -> dict[str, Any]:
        return self.post("issues", {"title": title, "body": body, "labels": labels})

    def update_issue(self, number: int, body: str) -> dict[str, Any]:
        return self.patch(f"issues/{number}", {"body": body})

    def comments(self, number: int) -> list[dict[str, Any]]:
        """The comments on issue `number`."""
        return [c for c in self.pages(f"issues/{number}/comments", {}) if isinstance(c, dict)]

    def comment(self, number: int, body: str) -> dict[str, Any]:
        return self.post(f"issues/{number}/comments", {"body": body})

    def edit_comment(self, comment_id: int, body: str) -> dict[str, Any]:
        return self.patch(f"issues/comments/{comment_id}", {"body": body})

    def add_label(self, number: int, label: str) -> None:
        self.post(f"issues/{number}/labels", {"labels": [label]})

    def remove_label(self, number: int, label: str) -> None:
        """Take `label` off issue `number`; nothing to do when it is not there."""
        with contextlib.suppress(NotFound):
            self.client.json("DELETE", self._path(f"issues/{number}/labels/{quote(label)}"))

    def close_issue(self, number: int) -> dict[str, Any]:
        return self.patch(f"issues/{number}", {"state": "closed", "state_reason": "completed"})

    # Branches, files and pull requests ----------------------------------------------------
    def branch_sha(self, branch: str) -> str | None:
        try:
            ref = self.get(f"git/ref/heads/{quote(branch, safe='')}")
        except NotFound:
            return None
        return str(field(ref, "object", "sha", what=f"GET git/ref/heads/{branch}"))

    def create_branch(self, branch: str, sha: str) -> None:
        self.post("git/refs", {"ref": f"refs/heads/{branch}", "sha": sha})

    def file_sha(self, path: str, branch: str) -> str | None:
        try:
            info = self.get(f"contents/{quote(path)}", params={"ref": branch})
        except NotFound:
            return None
        return info.get("sha") if isinstance(info, dict) else None

    def put_file(self, path: str, content: bytes, branch: str, message: str) -> None:
        payload: dict[str, Any] = {
            "message": message,
            "branch": branch,
            "content": base64.b64encode(content).decode("ascii"),
        }
        sha = self.file_sha(path, branch)
        if sha:
            payload["sha"] = sha
        self.put(f"contents/{quote(path)}", payload)

    def open_pull(self, branch: str) -> dict[str, Any] | None:
        owner = self.repo.split("/")[0]
        pulls = self.get("pulls", params={"state": "open", "head": f"{owner}:{branch}"})
        if not isinstance(pulls, list):
            raise ServiceError("GET pulls: expected a list of pull requests")
        return field(pulls, 0, what="GET pulls") if pulls else None

    def create_pull(self, branch: str, base: str, title: str, body: str) -> dict[str, Any]:
        return self.post("pulls", {"head": branch, "base": base, "title": title, "body": body})

    # Tags and releases ---------------------------------------------------------------------
    def releases(self) -> list[dict[str, Any]]:
        """The repository's releases, drafts included (for a token that may push)."""
        return [r for r in self.pages("releases", {}, limit=3) if isinstance(r, dict)]

    def create_draft_release(self, tag: str, commit: str, name: str, body: str) -> dict[str, Any]:
        """A draft release: its tag is made on `commit` only when it is published."""
        return self.post(
            "releases",
            {
                "tag_name": tag,
                "target_commitish": commit,
                "name": name,
                "body": body,
                "draft": True,
            },
        )

    def publish_release(self, release_id: int) -> dict[str, Any]:
        return self.patch(f"releases/{release_id}", {"draft": False})

    def delete_release(self, release_id: int) -> None:
        self.client.json("DELETE", self._path(f"releases/{release_id}"))

    def upload_asset(self, upload_url: str, name: str, content: bytes, media_type: str) -> None:
        url = upload_url.split("{", 1)[0]
        self.client.request(
            "POST", url, params={"name": name}, data=content, headers={"Content-Type": media_type}
        )
