from django import template

register = template.Library()


@register.filter
def follow_up_state(advice, today):
    """The follow-up's state on `today` (Advice.follow_up_state)."""
    return advice.follow_up_state(today)
