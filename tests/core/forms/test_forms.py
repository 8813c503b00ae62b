"""Form: binding, validation hooks, errors, cleaned data and accessible, escaped HTML."""

from __future__ import annotations

import datetime
from typing import Any

import jinja2
import pytest
from webob.multidict import MultiDict

from core.forms import (
    BooleanField,
    DateTimeField,
    Email,
    EmailField,
    Form,
    HiddenField,
    InputRequired,
    IntegerField,
    Length,
    Optional,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    ValidationError,
)
from core.http import Request


class ArticleForm(Form):
    title = StringField(
        validators=[InputRequired(), Length(max=20)], description="A short <em>title</em>"
    )
    rating = IntegerField(validators=[Optional()])
    published = BooleanField()

    def clean_title(self, value: str) -> str:
        if value == "forbidden":
            raise ValidationError("That title is not allowed.")
        return value.strip()

    def clean(self) -> None:
        if self.cleaned_data.get("rating") == 13:
            self.add_error(None, "Unlucky ratings are refused.")
        if self.cleaned_data.get("title") == "Late":
            raise ValidationError("Late articles are refused.")


class TaggedForm(Form):
    tags = SelectMultipleField(
        choices=[SelectChoice("a", "A"), SelectChoice("b", "B"), SelectChoice("c", "C")]
    )


class SecretForm(Form):
    password = PasswordField(validators=[InputRequired()])
    token = HiddenField(validators=[InputRequired()])


class EchoForm(Form):
    """Refuses any value with a message that repeats it (as careless code might)."""

    name = StringField()

    def clean_name(self, value: str) -> str:
        raise ValidationError(f"{value} is taken.")


@pytest.fixture
def env() -> jinja2.Environment:
    return jinja2.Environment(autoescape=True)


@pytest.fixture
def valid_data() -> dict[str, Any]:
    return {"title": "Hello", "rating": "4", "published": "y"}


# Binding


def test_a_form_without_data_is_unbound() -> None:
    assert ArticleForm().is_bound is False


def test_an_unbound_form_is_not_valid() -> None:
    assert ArticleForm().is_valid() is False


def test_an_unbound_form_has_no_errors() -> None:
    assert ArticleForm().errors == {}


def test_a_form_with_a_dict_is_bound(valid_data: dict[str, Any]) -> None:
    assert ArticleForm(valid_data).is_bound is True


def test_an_empty_dict_binds_the_form() -> None:
    assert ArticleForm({}).is_bound is True


def test_a_dict_binds_cleaned_values(valid_data: dict[str, Any]) -> None:
    form = ArticleForm(valid_data)

    assert form.is_valid()
    assert form.cleaned_data == {"title": "Hello", "rating": 4, "published": True}


def test_a_webob_multidict_binds_cleaned_values() -> None:
    form = ArticleForm(MultiDict([("title", "Hello"), ("rating", "5")]))

    assert form.is_valid()
    assert form.cleaned_data == {"title": "Hello", "rating": 5, "published": False}


def test_request_post_binds_the_form() -> None:
    request = Request.blank("/", POST={"title": "From a request", "rating": "2"})

    form = ArticleForm(request.POST)

    assert form.is_valid()
    assert form.cleaned_data["title"] == "From a request"


def test_repeated_multidict_values_reach_a_multiple_field() -> None:
    form = TaggedForm(MultiDict([("tags", "a"), ("tags", "c")]))

    assert form.is_valid()
    assert form.cleaned_data["tags"] == ["a", "c"]


def test_a_dict_value_may_be_a_list_of_values() -> None:
    form = TaggedForm({"tags": ["b", "c"]})

    assert form.is_valid()
    assert form.cleaned_data["tags"] == ["b", "c"]


def test_the_same_multidict_as_data_and_files_is_read_once() -> None:
    post = MultiDict([("tags", "a")])

    form = TaggedForm(post, files=post)

    assert form.is_valid()
    assert form.cleaned_data["tags"] == ["a"]


def test_booleans_in_a_dict_check_and_uncheck() -> None:
    checked = ArticleForm({"title": "x", "published": True})
    unchecked = ArticleForm({"title": "x", "published": False})

    assert checked.is_valid()
    assert unchecked.is_valid()
    assert checked.cleaned_data["published"] is True
    assert unchecked.cleaned_data["published"] is False


def test_numbers_in_a_dict_are_read_as_text() -> None:
    form = ArticleForm({"title": "x", "rating": 7})

    assert form.is_valid()
    assert form.cleaned_data["rating"] == 7


def test_data_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(TypeError, match="MultiDict"):
        ArticleForm(["title"])  # type: ignore[arg-type]


def test_a_file_part_sent_for_a_text_field_counts_as_nothing() -> None:
    class Part:
        filename = "evil.txt"
        file = None

    form = ArticleForm(MultiDict([("title", Part())]))

    assert not form.is_valid()
    assert form.errors["title"] == ["This field is required."]


def test_a_prefix_reads_prefixed_names() -> None:
    form = ArticleForm({"article-title": "Prefixed", "title": "ignored"}, prefix="article")

    assert form.is_valid()
    assert form.cleaned_data["title"] == "Prefixed"


# Validation and errors


def test_a_missing_required_field_is_an_error() -> None:
    form = ArticleForm({"rating": "3"})

    assert not form.is_valid()
    assert form.errors == {"title": ["This field is required."]}


def test_a_value_that_does_not_convert_is_an_error() -> None:
    form = ArticleForm({"title": "x", "rating": "many"})

    assert not form.is_valid()
    assert form.errors == {"rating": ["Not a valid integer value."]}


def test_cleaned_data_before_is_valid_is_an_attribute_error() -> None:
    form = ArticleForm({"title": "x"})

    with pytest.raises(AttributeError, match="is_valid"):
        _ = form.cleaned_data


def test_cleaned_data_leaves_out_fields_with_errors() -> None:
    form = ArticleForm({"title": "x", "rating": "many"})

    form.is_valid()

    assert "rating" not in form.cleaned_data
    assert form.cleaned_data["title"] == "x"


def test_errors_validates_a_bound_form_on_first_use() -> None:
    assert ArticleForm({}).errors == {"title": ["This field is required."]}


def test_a_field_hook_replaces_the_cleaned_value() -> None:
    form = ArticleForm({"title": "  padded  "})

    assert form.is_valid()
    assert form.cleaned_data["title"] == "padded"


def test_a_field_hook_error_belongs_to_the_field() -> None:
    form = ArticleForm({"title": "forbidden"})

    assert not form.is_valid()
    assert form.errors == {"title": ["That title is not allowed."]}
    assert "title" not in form.cleaned_data


def test_a_field_hook_is_skipped_for_a_field_with_errors() -> None:
    form = ArticleForm({"title": "x" * 21})

    assert not form.is_valid()
    assert form.errors["title"] == ["Field cannot be longer than 20 characters."]


def test_clean_may_add_a_form_error() -> None:
    form = ArticleForm({"title": "x", "rating": "13"})

    assert not form.is_valid()
    assert form.non_field_errors() == ["Unlucky ratings are refused."]


def test_a_validation_error_raised_by_clean_is_a_form_error() -> None:
    form = ArticleForm({"title": "Late"})

    assert not form.is_valid()
    assert form.errors == {"__all__": ["Late articles are refused."]}


def test_add_error_on_a_field_removes_its_cleaned_value() -> None:
    form = ArticleForm({"title": "x", "rating": "3"})
    form.is_valid()

    form.add_error("rating", "Out of stock.")

    assert form.errors == {"rating": ["Out of stock."]}
    assert "rating" not in form.cleaned_data
    assert not form.is_valid()


def test_add_error_accepts_a_validation_error() -> None:
    form = ArticleForm({"title": "x"})

    form.add_error("title", ValidationError("Taken."))

    assert form.errors["title"] == ["Taken."]


def test_add_error_for_an_unknown_field_is_refused() -> None:
    form = ArticleForm({"title": "x"})

    with pytest.raises(ValueError, match="no field named 'nope'"):
        form.add_error("nope", "message")


def test_validation_runs_once() -> None:
    calls: list[str] = []

    class CountingForm(Form):
        name = StringField()

        def clean_name(self, value: str) -> str:
            calls.append(value)
            return value

    form = CountingForm({"name": "Ada"})
    form.is_valid()
    form.is_valid()
    _ = form.errors

    assert calls == ["Ada"]


@pytest.mark.parametrize(
    "address", ["ada@example.com", "a.b+c@sub.example.org", "ada@bücher.example"]
)
def test_email_accepts_addresses(address: str) -> None:
    class ContactForm(Form):
        email = EmailField(validators=[Email()])

    assert ContactForm({"email": address}).is_valid()


@pytest.mark.parametrize("address", ["", "ada", "ada@", "@example.com", "a@b", "a b@example.com"])
def test_email_refuses_other_values(address: str) -> None:
    class ContactForm(Form):
        email = EmailField(validators=[Email()])

    form = ContactForm({"email": address})

    assert not form.is_valid()
    assert form.errors["email"] == ["Enter a valid email address."]


def test_datetime_field_reads_a_datetime_local_value() -> None:
    class EventForm(Form):
        starts = DateTimeField()

    form = EventForm({"starts": "2024-05-01T09:30"})

    assert form.is_valid()
    assert form.cleaned_data["starts"] == datetime.datetime(2024, 5, 1, 9, 30)


def test_datetime_field_renders_a_datetime_local_input() -> None:
    class EventForm(Form):
        starts = DateTimeField()

    html = EventForm(initial={"starts": datetime.datetime(2024, 5, 1, 9, 30)}).starts()

    assert 'type="datetime-local"' in html
    assert 'value="2024-05-01T09:30"' in html


# Fields and iteration


def test_iterating_gives_the_fields_in_declaration_order() -> None:
    assert [field.name for field in ArticleForm()] == ["title", "rating", "published"]


def test_a_field_is_reachable_by_name() -> None:
    assert ArticleForm()["title"].name == "title"


def test_hidden_and_visible_fields_are_told_apart() -> None:
    form = SecretForm()

    assert [field.name for field in form.hidden_fields()] == ["token"]
    assert [field.name for field in form.visible_fields()] == ["password"]


# Rendering


def test_an_unbound_form_shows_initial_values() -> None:
    form = ArticleForm(initial={"title": "Draft"})

    assert 'value="Draft"' in str(form)


def test_a_bound_form_ignores_initial_values() -> None:
    form = ArticleForm({"title": "Sent"}, initial={"title": "Draft", "rating": 5})

    assert form.is_valid()
    assert form.cleaned_data["rating"] is None


def test_a_rerendered_form_shows_the_submitted_values() -> None:
    form = ArticleForm({"title": "Kept", "rating": "many"})
    form.is_valid()

    html = str(form)

    assert 'value="Kept"' in html
    assert 'value="many"' in html


def test_a_rerendered_form_shows_the_errors() -> None:
    form = ArticleForm({"rating": "3"})
    form.is_valid()

    assert '<ul class="errorlist" id="title-errors"><li>This field is required.</li></ul>' in (
        str(form)
    )


def test_a_field_with_errors_is_marked_invalid_for_assistive_technology() -> None:
    form = ArticleForm({"title": "x", "rating": "many"})
    form.is_valid()

    html = form.rating()

    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="rating-errors"' in html


def test_a_field_without_errors_is_not_marked_invalid() -> None:
    form = ArticleForm({"title": "x", "rating": "2"})
    form.is_valid()

    assert "aria-invalid" not in form.rating()


def test_help_text_is_linked_to_its_field() -> None:
    html = str(ArticleForm())

    assert '<div class="helptext" id="title-help">' in html
    assert 'aria-describedby="title-help"' in html


def test_help_text_and_errors_both_describe_the_field() -> None:
    form = ArticleForm({})
    form.is_valid()

    assert 'aria-describedby="title-help title-errors"' in form.title()


def test_each_label_points_at_its_input() -> None:
    html = str(ArticleForm())

    assert '<label for="title">Title</label>' in html
    assert 'id="title"' in html


def test_a_submitted_script_is_escaped() -> None:
    form = ArticleForm({"title": "<script>alert(1)</script>", "rating": "<b>"})
    form.is_valid()

    html = str(form)

    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="&lt;b&gt;"' in html


def test_an_error_message_repeating_the_input_is_escaped() -> None:
    form = EchoForm({"name": "<img src=x onerror=alert(1)>"})
    form.is_valid()

    html = str(form)

    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; is taken." in html


def test_help_text_is_escaped() -> None:
    assert "A short &lt;em&gt;title&lt;/em&gt;" in str(ArticleForm())


def test_a_label_is_escaped() -> None:
    class LabelForm(Form):
        name = StringField("<i>Name</i>")

    assert '<label for="name">&lt;i&gt;Name&lt;/i&gt;</label>' in str(LabelForm())


def test_form_errors_are_rendered_first() -> None:
    form = ArticleForm({"title": "x", "rating": "13"})
    form.is_valid()

    assert str(form).startswith(
        '<ul class="errorlist nonfield" id="__all__-errors"><li>Unlucky ratings are refused.</li>'
    )


def test_a_password_is_never_rendered_back() -> None:
    form = SecretForm({"password": "hunter2"})
    form.is_valid()

    assert "hunter2" not in str(form)


def test_hidden_fields_render_without_a_label_after_the_others() -> None:
    html = str(SecretForm(initial={"token": "t0k"}))

    assert html.endswith('<input id="token" name="token" type="hidden" value="t0k">')
    assert 'for="token"' not in html


def test_a_hidden_field_error_is_shown_with_the_form_errors() -> None:
    form = SecretForm({"password": "p"})
    form.is_valid()

    assert "(Hidden field Token) This field is required." in str(form)


def test_a_checkbox_comes_before_its_label() -> None:
    assert '<input id="published" name="published" type="checkbox" value="y"> <label' in (
        str(ArticleForm())
    )


def test_a_required_field_renders_the_required_attribute() -> None:
    assert "required" in ArticleForm().title()


def test_a_prefixed_form_renders_prefixed_names_and_ids() -> None:
    html = str(ArticleForm(prefix="a"))

    assert 'name="a-title"' in html
    assert '<label for="a-title">' in html


def test_a_template_renders_one_field_at_a_time(env: jinja2.Environment) -> None:
    form = ArticleForm({"title": "<x>"})
    form.add_error("title", "Bad <title>.")
    template = env.from_string("{{ form.title.label }}|{{ form.title() }}|{{ form.title.errors }}")

    html = template.render(form=form)

    assert html.startswith('<label for="title">Title</label>|<input ')
    assert 'value="&lt;x&gt;"' in html
    assert html.endswith(
        '|<ul class="errorlist" id="title-errors"><li>Bad &lt;title&gt;.</li></ul>'
    )


def test_a_template_renders_no_errors_for_a_clean_field(env: jinja2.Environment) -> None:
    assert env.from_string("[{{ form.title.errors }}]").render(form=ArticleForm()) == "[]"


def test_a_template_renders_the_whole_form_unescaped_once(env: jinja2.Environment) -> None:
    form = ArticleForm({"title": "<script>"})

    html = env.from_string("{{ form }}").render(form=form)

    assert '<label for="title">Title</label>' in html
    assert 'value="&lt;script&gt;"' in html


def test_a_radio_group_is_labelled_by_a_legend() -> None:
    class PollForm(Form):
        answer = RadioField(choices=[SelectChoice("y", "Yes"), SelectChoice("n", "No")])

    html = str(PollForm())

    assert html.startswith('<div class="field field-answer"><fieldset><legend>Answer</legend>')
    assert '<label for="answer-0">Yes</label>' in html
