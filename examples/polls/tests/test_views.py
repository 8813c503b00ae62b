"""The index, detail, results and vote views, as Django's tutorial tests them (and more)."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy.orm import Session

from core.handlers import WSGIHandler
from core.testing import Client
from core.urls import reverse
from polls.models import Question

# The make_question fixture of conftest.py.
MakeQuestion = Callable[..., Question]


def test_the_home_page_redirects_to_the_polls(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 302
    assert response.headers["Location"] == "/polls/"


def test_no_questions(client: Client) -> None:
    response = client.get(reverse("polls:index"))

    assert response.status_code == 200
    assert "No polls are available." in response.text


def test_a_past_question_is_listed(client: Client, make_question: MakeQuestion) -> None:
    make_question("Past question.", days=-30)

    response = client.get(reverse("polls:index"))

    assert "Past question." in response.text


def test_a_future_question_is_not_listed(client: Client, make_question: MakeQuestion) -> None:
    make_question("Future question.", days=30)

    response = client.get(reverse("polls:index"))

    assert "No polls are available." in response.text
    assert "Future question." not in response.text


def test_the_index_lists_the_five_newest_first(client: Client, make_question: MakeQuestion) -> None:
    for days in range(1, 8):
        make_question(f"Question {days} days old.", days=-days)

    text = client.get(reverse("polls:index")).text

    shown = [f"Question {days} days old." for days in range(1, 8) if f"{days} days old" in text]
    assert shown == [f"Question {days} days old." for days in range(1, 6)]
    assert text.index("Question 1 days") < text.index("Question 5 days")


def test_a_future_questions_detail_is_404(client: Client, make_question: MakeQuestion) -> None:
    question = make_question("Future question.", days=5)

    response = client.get(reverse("polls:detail", kwargs={"pk": question.id}))

    assert response.status_code == 404


def test_a_past_questions_detail_shows_its_choices(
    client: Client, make_question: MakeQuestion
) -> None:
    question = make_question("Past question.", days=-5, choices=("Yes", "No"))

    response = client.get(reverse("polls:detail", kwargs={"pk": question.id}))

    assert response.status_code == 200
    assert "Past question." in response.text
    assert 'name="choice"' in response.text
    assert "Yes" in response.text


def test_a_question_text_is_escaped(client: Client, make_question: MakeQuestion) -> None:
    question = make_question("<script>alert(1)</script>", days=-1)

    response = client.get(reverse("polls:detail", kwargs={"pk": question.id}))

    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_a_vote_is_counted_and_redirects_to_the_results(
    client: Client, db: Session, make_question: MakeQuestion
) -> None:
    question = make_question("Tea or coffee?", days=-1, choices=("Tea", "Coffee"))
    tea = question.choices[0]

    response = client.post(reverse("polls:vote", kwargs={"pk": question.id}), {"choice": tea.id})

    assert response.status_code == 302
    assert response.headers["Location"] == f"/polls/{question.id}/results/"
    db.refresh(tea)
    assert tea.votes == 1
    results = client.get(response.headers["Location"])
    assert "Tea -- 1 vote<" in results.text
    assert "Coffee -- 0 votes" in results.text


def test_a_vote_without_a_choice_shows_the_question_again(
    client: Client, make_question: MakeQuestion
) -> None:
    question = make_question("Tea or coffee?", days=-1, choices=("Tea",))

    response = client.post(reverse("polls:vote", kwargs={"pk": question.id}), {})

    assert response.status_code == 200
    assert "You didn&#39;t select a choice." in response.text


def test_a_vote_for_another_questions_choice_is_refused(
    client: Client, db: Session, make_question: MakeQuestion
) -> None:
    first = make_question("First?", days=-1, choices=("A",))
    second = make_question("Second?", days=-1, choices=("B",))

    response = client.post(
        reverse("polls:vote", kwargs={"pk": first.id}), {"choice": second.choices[0].id}
    )

    assert "You didn&#39;t select a choice." in response.text
    db.refresh(second.choices[0])
    assert second.choices[0].votes == 0


def test_a_vote_with_a_bogus_choice_is_refused(client: Client, make_question: MakeQuestion) -> None:
    question = make_question("Tea?", days=-1, choices=("Tea",))

    for bogus in ("abc", "-1", "²", "99999999999999999999", "1 OR 1=1"):
        response = client.post(reverse("polls:vote", kwargs={"pk": question.id}), {"choice": bogus})
        assert response.status_code == 200
        assert "You didn&#39;t select a choice." in response.text


def test_no_vote_for_a_future_question(client: Client, make_question: MakeQuestion) -> None:
    question = make_question("Future?", days=1, choices=("Yes",))

    response = client.post(
        reverse("polls:vote", kwargs={"pk": question.id}), {"choice": question.choices[0].id}
    )

    assert response.status_code == 404


def test_voting_needs_a_post(client: Client, make_question: MakeQuestion) -> None:
    question: Question = make_question("Tea?", days=-1, choices=("Tea",))

    response = client.get(reverse("polls:vote", kwargs={"pk": question.id}))

    assert response.status_code == 405


def test_the_vote_form_carries_a_working_csrf_token(
    app: WSGIHandler, make_question: MakeQuestion
) -> None:
    question = make_question("Tea?", days=-1, choices=("Tea",))
    browser = Client(app, enforce_csrf_checks=True)
    page = browser.get(reverse("polls:detail", kwargs={"pk": question.id})).text
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match is not None
    vote = reverse("polls:vote", kwargs={"pk": question.id})
    choice = question.choices[0].id

    forged = browser.post(vote, {"choice": choice})
    accepted = browser.post(vote, {"choice": choice, "csrfmiddlewaretoken": match.group(1)})

    assert forged.status_code == 403
    assert accepted.status_code == 302
