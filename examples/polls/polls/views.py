"""The polls app's views: Django's tutorial on generic views, and a race-free vote."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Select, select, update

from core.http import Request, Response
from core.shortcuts import redirect
from core.views import DetailView, ListView, SingleObjectMixin, TemplateResponseMixin, View
from polls.models import Choice, Question, now


def published() -> Select[Any]:
    """Select the questions whose publication date has come; later ones stay hidden."""
    return select(Question).where(Question.pub_date <= now())


class IndexView(ListView[Question]):
    """The last five published questions, newest first."""

    template_name = "polls/index.html"
    context_object_name = "latest_question_list"

    def get_query(self) -> Select[Any]:
        """Return the five most recently published questions."""
        return published().order_by(Question.pub_date.desc()).limit(5)


class QuestionDetailView(DetailView[Question]):
    """A published question with a form to vote; a future one is a 404."""

    model = Question
    template_name = "polls/detail.html"

    def get_query(self) -> Select[Any]:
        """Return the published questions only."""
        return published()


class ResultsView(QuestionDetailView):
    """The votes of each choice of a published question."""

    template_name = "polls/results.html"


class VoteView(SingleObjectMixin[Question], TemplateResponseMixin, View):
    """Count a vote for the chosen choice, then redirect to the results.

    The count is raised by the database (`UPDATE choice SET votes = votes + 1`), not read
    and written back by Python: two votes at the same moment are two votes, on SQLite and
    on PostgreSQL alike.
    """

    model = Question
    template_name = "polls/detail.html"

    def get_query(self) -> Select[Any]:
        """Return the published questions only: no votes for a future one."""
        return published()

    def post(self, request: Request, pk: int) -> Response:
        """Add one vote to the posted choice, or show the question again with an error."""
        self.object = question = self.get_object()
        choice_id = request.POST.get("choice", "")
        counted = 0
        if choice_id.isdecimal() and len(choice_id) < 10:
            result = request.db.execute(
                update(Choice)
                .where(Choice.id == int(choice_id), Choice.question_id == question.id)
                .values(votes=Choice.votes + 1)
            )
            counted = cast("CursorResult[Any]", result).rowcount  # what an UPDATE returns
        if not counted:
            context = self.get_context_data(error_message="You didn't select a choice.")
            return self.render_to_response(context)
        # Always redirect after a successful POST, so that Back cannot vote twice.
        return redirect("polls:results", pk=question.id)
