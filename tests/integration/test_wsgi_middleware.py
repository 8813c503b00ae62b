"""Plain WSGI middleware around a generated project's `application` keeps working."""

from __future__ import annotations

import json
import textwrap

import pytest

from tests.helpers import PYTHON, run, start_project, wrap_application

CLIENT_SCRIPT = textwrap.dedent(
    """
    import json
    from core.testing import Client
    from mysite.wsgi import application

    client = Client(application)  # checks PEP 3333 conformance of the whole stack
    answers = {}
    for path in ("/", "/no-such-page/"):
        response = client.get(path)
        answers[path] = [
            response.status_code, response.headers.get("X-Rewritten-By"), response.text
        ]
    print(json.dumps(answers))
    """
)


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[object]]:
    """What a wrapped project's application answers, asked in a fresh interpreter."""
    project = start_project(tmp_path_factory.mktemp("wrapped"))
    wrap_application(project)
    result = run([PYTHON, "-c", CLIENT_SCRIPT], project)
    assert result.returncode == 0, result.stderr
    data: dict[str, list[object]] = json.loads(result.stdout)
    return data


def test_wrapped_home_page_is_rewritten(answers: dict[str, list[object]]) -> None:
    status, header, body = answers["/"]

    assert status == 200
    assert header == "Rewrite"
    assert "It was rewritten!" in str(body)
    assert "It worked!" not in str(body)


def test_wrapped_errors_go_through_the_middleware(answers: dict[str, list[object]]) -> None:
    status, header, _ = answers["/no-such-page/"]

    assert status == 404
    assert header == "Rewrite"
