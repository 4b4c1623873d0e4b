from django import forms

from bruecken.widgets import FastSelect


class Form(forms.Form):
    choice = forms.ChoiceField(
        choices=[("", "alle"), ("a", "A & B"), ("<x>", "Ä")], required=False, widget=FastSelect
    )


def test_renders_a_select_like_djangos():
    html = str(Form({"choice": "a"})["choice"])
    assert html == (
        '<select name="choice" id="id_choice">'
        '<option value="">alle</option>'
        '<option value="a" selected>A &amp; B</option>'
        '<option value="&lt;x&gt;">Ä</option>'
        "</select>"
    )


def test_carries_the_error_attributes():
    form = Form({"choice": "nope"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["choice"])
