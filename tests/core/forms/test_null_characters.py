"""A NUL character in submitted text is a field error, never a database error."""

from __future__ import annotations

from core.forms import Form, IntegerField, StringField


class NameForm(Form):
    name = StringField("Name")
    age = IntegerField("Age")


def test_a_null_character_is_refused_with_a_message():
    form = NameForm({"name": "Ada\x00Lovelace", "age": "36"})

    assert not form.is_valid()
    assert form.errors["name"] == ["Null characters are not allowed."]
    assert "name" not in form.cleaned_data
    assert form.cleaned_data["age"] == 36


def test_text_without_one_is_accepted():
    form = NameForm({"name": "Ada Lovelace", "age": "36"})

    assert form.is_valid()
    assert form.cleaned_data["name"] == "Ada Lovelace"
