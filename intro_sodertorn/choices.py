"""The label of a stored choice, read from its enum."""


def choice_label(choices, code):
    """The label of ``code`` in the ``TextChoices`` class ``choices``, in the active language; an unknown code is
    shown as it is. As ``get_FOO_display``, without its hashing of every choice's translated label on each call,
    which was most of a long list's time."""
    try:
        return str(choices(code).label)
    except ValueError:
        return code or ""
