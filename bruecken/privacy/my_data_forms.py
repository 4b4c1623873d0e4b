"""The form for a person's own details on "Meine Daten"."""

from bruecken.actors.forms import PersonForm
from bruecken.actors.services import SELF_EDITABLE


class OwnDetailsForm(PersonForm):
    """What a person keeps of their own record themselves (actors' SELF_EDITABLE), whatever
    else their role lets them change elsewhere. The e-mail address is not among it: for an
    account it is the login, and invitations find the person by it."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        for name in [name for name in self.fields if name not in SELF_EDITABLE]:
            del self.fields[name]
